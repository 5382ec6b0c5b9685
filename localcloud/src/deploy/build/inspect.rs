//! What a package build reads: the zip's entries (none escaping the build
//! context, none with a name no file system takes), the build context they
//! make, and the Dockerfile where the settings say.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use console_shared::rules;

use super::budget::{Budget, NAME_ECHO, shorten};

/// Largest Dockerfile read from a package.
const DOCKERFILE_MAX_BYTES: u64 = 1024 * 1024;

/// Other Dockerfiles a reason lists by name; the rest are counted.
const OTHERS_LISTED: usize = 5;

/// Memory for the directories the entries' paths imply, names and
/// bookkeeping. A zip need not list directories, but `COPY sr* /app/` matches
/// `src` all the same; a deep or wide tree is a lot of names, so past this
/// (a few hundred thousand directories) the package is refused rather than
/// held in memory.
const IMPLIED_MAX_BYTES: usize = 32 * 1024 * 1024;

/// What one directory costs besides its name: the `String` and its place in
/// the set.
const DIR_OVERHEAD: usize = 64;

/// The longest name part and path a file system unpacks (Linux's NAME_MAX
/// and PATH_MAX): a builder could not write a longer entry, and these bounds
/// keep each wildcard match cheap.
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// The paths of a build context, relative to it: its entries, and the
/// directories their paths imply, each directory once.
#[derive(Default)]
struct ContextPaths {
    files: Vec<String>,
    dirs: HashSet<String>,
    dir_bytes: usize,
}

impl ContextPaths {
    fn add(&mut self, path: &str, is_dir: bool) -> Result<(), String> {
        if is_dir {
            self.dir(path)?;
        } else {
            self.files.push(path.to_string());
        }
        // Up from the parent: a directory already known has its parents known
        // too, so each name is built once however many entries share it.
        let mut rest = path;
        while let Some((parent, _)) = rest.rsplit_once('/') {
            if parent.is_empty() || !self.dir(parent)? {
                break;
            }
            rest = parent;
        }
        Ok(())
    }

    /// Adds a directory: whether it is new.
    fn dir(&mut self, path: &str) -> Result<bool, String> {
        if self.dirs.contains(path) {
            return Ok(false);
        }
        self.dir_bytes += path.len() + DIR_OVERHEAD;
        if self.dir_bytes > IMPLIED_MAX_BYTES {
            return Err(format!(
                "the package's directories take more than {} MiB to list; it nests too deep or holds too many",
                IMPLIED_MAX_BYTES >> 20
            ));
        }
        self.dirs.insert(path.to_string());
        Ok(true)
    }

    fn into_paths(self) -> Vec<String> {
        let mut paths = self.files;
        paths.extend(self.dirs);
        paths
    }
}

/// What the validate step found in a package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspected {
    pub files: usize,
    /// Bytes once unpacked.
    pub unpacked: u64,
    pub dockerfile_path: String,
    pub dockerfile: String,
    /// The paths inside the build context, relative to it: files and
    /// directories, listed in the zip or implied by its paths.
    pub context: Vec<String>,
}

/// Opens the zip at `path` and finds the Dockerfile at `<dir>/<name>`.
/// Blocking: call it from `spawn_blocking`.
pub fn inspect(path: &Path, max: u64, dir: &str, name: &str, budget: &Budget) -> Result<Inspected, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("the package cannot be read: {e}"))?.len();
    if size > max {
        return Err(format!("the package is {size} bytes; at most {max} are accepted"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("the package cannot be read: {e}"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("the package is not a zip archive ({e})"))?;
    let want = rules::dockerfile_path(dir, name);
    let prefix = rules::dockerfile_path(dir, "");
    let mut context = ContextPaths::default();
    let mut unpacked = 0u64;
    let (mut others, mut more_others) = (vec![], 0usize);
    let mut found = None;
    for i in 0..zip.len() {
        budget.check()?;
        let entry = zip.by_index(i).map_err(|e| format!("the package is damaged ({e})"))?;
        let raw = entry.name().map_err(|e| format!("an entry's name cannot be read ({e})"))?;
        // First, before any reason quotes it: a zip's names reach 64 KiB.
        if raw.len() > PATH_MAX || raw.split('/').any(|part| part.len() > NAME_MAX) {
            return Err(format!(
                "the entry `{}` has a name longer than a file system takes ({NAME_MAX} bytes a part, {PATH_MAX} in \
                 all)",
                shorten(&raw, 60)
            ));
        }
        // Zip-slip: an entry that would land outside the build context.
        if entry.enclosed_name().is_none() {
            return Err(format!("the entry `{}` points outside the package", shorten(&raw, NAME_ECHO)));
        }
        unpacked = unpacked.saturating_add(entry.size());
        let entry_name = raw.trim_start_matches("./");
        if let Some(inside) = entry_name.strip_prefix(&prefix).filter(|p| !p.is_empty()) {
            context.add(inside.trim_end_matches('/'), entry.is_dir())?;
        }
        if entry.is_file() && entry_name == want {
            found = Some(i);
        } else if entry.is_file() && entry_name.rsplit('/').next() == Some(name) {
            if others.len() < OTHERS_LISTED {
                others.push(shorten(entry_name, NAME_ECHO));
            } else {
                more_others += 1;
            }
        }
    }
    let files = zip.len();
    let Some(index) = found else {
        let hint = match (others.is_empty(), more_others) {
            (true, _) => format!("the package has no file named {name}"),
            (false, 0) => format!("it has {} (set the build directory to match)", others.join(", ")),
            (false, n) => format!("it has {} and {n} more (set the build directory to match)", others.join(", ")),
        };
        return Err(format!("no Dockerfile at `{want}` in the package; {hint}"));
    };
    let entry = zip.by_index(index).map_err(|e| format!("the package is damaged ({e})"))?;
    if entry.size() > DOCKERFILE_MAX_BYTES {
        return Err(format!("`{want}` is larger than {DOCKERFILE_MAX_BYTES} bytes"));
    }
    let mut dockerfile = String::new();
    entry
        .take(DOCKERFILE_MAX_BYTES)
        .read_to_string(&mut dockerfile)
        .map_err(|e| format!("`{want}` cannot be read as UTF-8 text ({e})"))?;
    Ok(Inspected { files, unpacked, dockerfile_path: want, dockerfile, context: context.into_paths() })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::Duration;

    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::deploy::build::dockerfile::{check_sources, parse_dockerfile};

    fn budget() -> Budget {
        Budget::new(Duration::from_secs(60), CancellationToken::new())
    }

    /// Writes a zip of `(path, content)` entries (a path ending in `/` is a
    /// directory entry) and inspects it for `./Dockerfile`.
    fn inspect_zip(entries: &[(&str, &str)]) -> Result<Inspected, String> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (path, content) in entries {
            match path.strip_suffix('/') {
                Some(dir) => w.add_directory(dir, options).unwrap(),
                None => {
                    w.start_file(*path, options).unwrap();
                    w.write_all(content.as_bytes()).unwrap();
                }
            }
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), w.finish().unwrap().into_inner()).unwrap();
        inspect(file.path(), u64::MAX, ".", "Dockerfile", &budget())
    }

    fn sorted(mut paths: Vec<String>) -> Vec<String> {
        paths.sort();
        paths
    }

    /// Zips made without directory entries (most tools' default) still have
    /// directories for `COPY`'s wildcards to match, as Docker's context does.
    #[test]
    fn the_context_holds_the_directories_the_paths_imply() {
        let dockerfile = "FROM x\nCOPY sr* /app/\nCOPY */ /x/\nCOPY src/li? /y/\nCOPY */*/deep.js /z/\n";
        let found =
            inspect_zip(&[("Dockerfile", dockerfile), ("src/lib/deep.js", ""), ("src/main.js", ""), ("docs/", "")])
                .unwrap();
        assert_eq!(
            sorted(found.context.clone()),
            ["Dockerfile", "docs", "src", "src/lib", "src/lib/deep.js", "src/main.js"],
            "each directory once"
        );
        let steps = parse_dockerfile(dockerfile, &budget()).unwrap();
        assert_eq!(check_sources(&steps, &found.context, &budget()), Ok(()));
    }

    #[test]
    fn a_tree_past_the_bound_on_implied_directories_is_refused() {
        // 5,000 entries each 100 levels deep under its own top directory:
        // half a million directories, about 50 MB of names.
        let paths: Vec<String> = (0..5000).map(|i| format!("{i:04}{}/f", "/d".repeat(100))).collect();
        let mut entries: Vec<(&str, &str)> = vec![("Dockerfile", "FROM x\n")];
        entries.extend(paths.iter().map(|p| (p.as_str(), "")));
        let why = inspect_zip(&entries).unwrap_err();
        assert!(why.contains("nests too deep or holds too many"), "{why}");
    }

    /// A reason is kept in the task's `FailReason`: it quotes a bounded part
    /// of a name, and a bounded number of names.
    #[test]
    fn reasons_quote_little_of_what_the_package_holds() {
        let long = format!("../{}", "x".repeat(60_000));
        let why = inspect_zip(&[(long.as_str(), "")]).unwrap_err();
        assert!(why.contains("has a name longer than a file system takes"), "{why}");
        assert!(why.len() < 300, "{} bytes", why.len());
        let outside = format!("../{}", "y".repeat(250));
        let why = inspect_zip(&[(outside.as_str(), "")]).unwrap_err();
        assert!(why.contains("points outside the package") && why.len() < 300, "{why}");

        let dirs: Vec<String> = (0..20).map(|i| format!("svc{i:02}/Dockerfile")).collect();
        let entries: Vec<(&str, &str)> = dirs.iter().map(|d| (d.as_str(), "FROM x\n")).collect();
        let why = inspect_zip(&entries).unwrap_err();
        assert_eq!(
            why,
            "no Dockerfile at `Dockerfile` in the package; it has svc00/Dockerfile, svc01/Dockerfile, \
             svc02/Dockerfile, svc03/Dockerfile, svc04/Dockerfile and 15 more (set the build directory to match)"
        );
    }
}
