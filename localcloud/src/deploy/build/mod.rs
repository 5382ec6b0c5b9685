//! What a package build reads and checks. localcloud has no container
//! engine, so a build checks the package the way a real builder would fail on
//! it (not a zip, an entry escaping the build context, no Dockerfile where the
//! settings say: `inspect`; an instruction Docker does not know, a source not
//! in the context: `dockerfile`, with Docker's wildcards from
//! `console_shared::wildcard`) and logs the Dockerfile's steps (`log`); the
//! image it "builds" runs as the built-in workload. All of it runs on the
//! blocking pool within a `budget`.

pub mod budget;
pub mod dockerfile;
pub mod inspect;
pub mod log;
