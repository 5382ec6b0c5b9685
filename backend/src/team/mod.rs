//! The team: the console's users, whom admins manage, and each
//! environment's members with their roles, whom owners manage.

pub mod members;
pub mod users;
