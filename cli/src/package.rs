//! `--path`: a directory packaged as the Docker build context, in a zip for
//! the package upload (R-DEP-2). The context is the build directory inside
//! it (`--targetDir`, the `BuildDir` the cloud builds in), and what goes in
//! is what `docker build` would send from there: every file but those its
//! ignore file excludes (BuildKit's `<Dockerfile>.dockerignore` beside the
//! Dockerfile, else the context's `.dockerignore`, read with Docker's own
//! rules, `console_shared::dockerignore`), the ignore file and the
//! Dockerfile always. Paths in the zip keep the build directory in front,
//! as `BuildDir` names it. `.git` directories (and the `.git` files of
//! submodules and worktrees) are left out as the guide's tool leaves them:
//! history is never part of an image and often the bulk of a directory.
//!
//! Entries are added in name order with a fixed time, so the same directory
//! makes the same zip; file modes are kept (a script `RUN` executes must stay
//! executable), and symbolic links stay links, as in Docker's context.

use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use console_shared::dockerignore::DockerIgnore;
use console_shared::rules::{self, PACKAGE_MAX_BYTES, RuleError};
use zip::write::SimpleFileOptions;

use crate::error::{CliError, CliResult};

/// A packaged build context.
#[derive(Debug)]
pub struct Package {
    pub zip: Vec<u8>,
    /// Files and directories `.dockerignore` left out.
    pub ignored: usize,
}

/// One thing to put in the zip, found by [`list`].
#[derive(Debug, PartialEq)]
enum Entry {
    Dir(String),
    File { name: String, path: PathBuf, size: u64, mode: u32 },
    Link { name: String, target: String },
}

/// What [`list`] found: the entries, their bytes, and how many were ignored.
#[derive(Debug, Default)]
pub struct Listing {
    entries: Vec<Entry>,
    pub bytes: u64,
    pub files: usize,
    pub ignored: usize,
}

/// Lists the build context: `build_dir` (`.` for the whole directory)
/// under `root`, checking first that the Dockerfile (`dockerfile`, its path
/// from `root`, inside the build directory) is there and a plain file: a
/// missing one would only fail later, in the cloud's build.
pub fn list(root: &Path, build_dir: &str, dockerfile: &str) -> CliResult<Listing> {
    if !root.is_dir() {
        return Err(CliError::usage(format!("--path {}: not a directory.", root.display())));
    }
    let context = root.join(build_dir);
    if !context.is_dir() {
        return Err(CliError::usage(format!(
            "--targetDir {build_dir}: there is no such directory in {}.",
            root.display()
        )));
    }
    match std::fs::symlink_metadata(root.join(dockerfile)) {
        Ok(meta) if meta.is_file() => {}
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(CliError::usage(format!(
                "{dockerfile} is a symbolic link; the package would keep the link, not the file: put the Dockerfile \
                 itself in the directory."
            )));
        }
        _ => {
            return Err(CliError::usage(format!(
                "There is no {dockerfile} in {}: a directory is deployed with its Dockerfile (choose another with \
                 --dockerfile and --targetDir, or deploy an image with --custom_image).",
                root.display()
            )));
        }
    }
    // The Dockerfile's path from the context, and the zip's prefix for it.
    let prefix = if build_dir == "." { String::new() } else { format!("{}/", build_dir.trim_end_matches('/')) };
    let in_context = dockerfile.strip_prefix(&prefix).unwrap_or(dockerfile);
    // BuildKit reads `<Dockerfile>.dockerignore` first, else the context's.
    let own = format!("{in_context}.dockerignore");
    let (name, bytes) = match std::fs::read(context.join(&own)) {
        Ok(bytes) => (own, Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::read(context.join(".dockerignore")) {
            Ok(bytes) => (".dockerignore".to_string(), Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (".dockerignore".to_string(), None),
            Err(e) => return Err(CliError::usage(format!("Could not read .dockerignore: {e}"))),
        },
        Err(e) => return Err(CliError::usage(format!("Could not read {own}: {e}"))),
    };
    let mut ignore = match bytes {
        Some(bytes) => DockerIgnore::parse(&String::from_utf8_lossy(&bytes))
            .map_err(|e| CliError::usage(format!("{name} {e}: fix the pattern, as docker build would refuse it.")))?,
        None => DockerIgnore::default(),
    };
    ignore.keep_build_files(in_context);
    let mut listing = Listing::default();
    walk(&context, "", &prefix, &ignore, &mut listing)?;
    Ok(listing)
}

/// Adds what `dir` holds: `prefix` is its path in the context (what the
/// ignore file matches), `zipped` the build directory in front of it in the zip.
fn walk(dir: &Path, prefix: &str, zipped: &str, ignore: &DockerIgnore, listing: &mut Listing) -> CliResult<()> {
    let unreadable =
        |path: &Path, e: std::io::Error| CliError::usage(format!("Could not read {}: {e}", path.display()));
    let mut children: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, e))?
        .map(|entry| entry.map(|e| (e.file_name().to_string_lossy().into_owned(), e.path())))
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(dir, e))?;
    children.sort();
    for (name, path) in children {
        if name == ".git" {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let meta = std::fs::symlink_metadata(&path).map_err(|e| unreadable(&path, e))?;
        let excluded = ignore.is_excluded(&rel);
        if meta.is_dir() {
            if excluded {
                listing.ignored += 1;
                // Walked only if an exception may bring something inside back.
                if ignore.may_reinclude_inside(&rel) {
                    walk(&path, &format!("{rel}/"), zipped, ignore, listing)?;
                }
                continue;
            }
            listing.entries.push(Entry::Dir(format!("{zipped}{rel}/")));
            walk(&path, &format!("{rel}/"), zipped, ignore, listing)?;
        } else if excluded {
            listing.ignored += 1;
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).map_err(|e| unreadable(&path, e))?;
            let name = format!("{zipped}{rel}");
            listing.entries.push(Entry::Link { name, target: target.to_string_lossy().replace('\\', "/") });
        } else if meta.is_file() {
            listing.bytes += meta.len();
            listing.files += 1;
            listing.entries.push(Entry::File {
                name: format!("{zipped}{rel}"),
                path,
                size: meta.len(),
                mode: mode(&meta),
            });
        }
        // Sockets, pipes and devices: Docker's context skips them too.
    }
    Ok(())
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

/// The zip as it is written, refusing to grow past the package cap: a
/// directory of gigabytes is refused as soon as its package would be too
/// large, not after all of it was compressed into memory.
struct Capped {
    inner: Cursor<Vec<u8>>,
    over: Rc<Cell<bool>>,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.inner.position() + buf.len() as u64 > PACKAGE_MAX_BYTES {
            self.over.set(true);
            return Err(std::io::Error::other("the package is too large"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Capped {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// The refusal of a package over the cap, in the rule's words.
fn too_large(size: Option<u64>) -> CliError {
    let max = crate::progress::size(PACKAGE_MAX_BYTES);
    let is = size.map_or_else(|| format!("over {max}"), crate::progress::size);
    CliError::usage(format!(
        "The package is {is} compressed; a package must be at most {max}. Leave out what the image does not need \
         with .dockerignore."
    ))
}

/// Compresses the listing into a zip; `read` is told the bytes read so far.
pub fn zip(listing: Listing, mut read: impl FnMut(u64)) -> CliResult<Package> {
    let over = Rc::new(Cell::new(false));
    let failed = |e: &dyn std::fmt::Display| {
        if over.get() { too_large(None) } else { CliError::usage(format!("Could not make the package: {e}")) }
    };
    let mut writer = zip::ZipWriter::new(Capped { inner: Cursor::new(Vec::new()), over: Rc::clone(&over) });
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut done = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for entry in &listing.entries {
        match entry {
            Entry::Dir(name) => writer.add_directory(name.as_str(), options.unix_permissions(0o755)),
            Entry::Link { name, target } => writer.add_symlink(name, target, options),
            Entry::File { name, path, size, mode } => {
                writer
                    .start_file(name, options.unix_permissions(*mode).large_file(*size >= u64::from(u32::MAX)))
                    .map_err(|e| failed(&e))?;
                let mut file = std::fs::File::open(path).map_err(|e| failed(&format!("{}: {e}", path.display())))?;
                loop {
                    let n = file.read(&mut buf).map_err(|e| failed(&format!("{}: {e}", path.display())))?;
                    if n == 0 {
                        break;
                    }
                    writer.write_all(&buf[..n]).map_err(|e| failed(&e))?;
                    done += n as u64;
                    read(done);
                }
                Ok(())
            }
        }
        .map_err(|e| failed(&e))?;
    }
    let zip = writer.finish().map_err(|e| failed(&e))?.inner.into_inner();
    // The size cap the upload enforces, checked before sending anything.
    rules::package_file("package.zip", zip.len() as u64, PACKAGE_MAX_BYTES).map_err(|e| match e {
        RuleError::TooLarge(_) => too_large(Some(zip.len() as u64)),
        other => CliError::usage(format!("The package {other}.")),
    })?;
    Ok(Package { zip, ignored: listing.ignored })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn names(package: &Package) -> Vec<String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(package.zip.clone())).unwrap();
        (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().to_string()).collect()
    }

    fn context(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    fn package(dir: &Path, build_dir: &str, dockerfile: &str) -> Package {
        zip(list(dir, build_dir, dockerfile).unwrap(), |_| {}).unwrap()
    }

    #[test]
    fn ignored_files_and_git_stay_out_and_exceptions_come_back() {
        let dir = context(&[
            ("Dockerfile", "FROM nginx\nCOPY . /usr/share/nginx/html\n"),
            (".dockerignore", "secret.env\nlogs\n!logs/keep.log\n**/*.tmp\nDockerfile\n.dockerignore\n"),
            ("index.html", "<h1>hi</h1>"),
            ("secret.env", "DB_PASSWORD=x"),
            ("logs/a.log", "a"),
            ("logs/keep.log", "k"),
            ("src/x.tmp", "t"),
            ("src/app.js", "js"),
            (".git/HEAD", "ref: refs/heads/main"),
            ("sub/.git", "gitdir: ../.git/modules/sub"),
        ]);
        let package = package(dir.path(), ".", "Dockerfile");
        assert_eq!(
            names(&package),
            vec![".dockerignore", "Dockerfile", "index.html", "logs/keep.log", "src/", "src/app.js", "sub/"]
        );
        // secret.env, logs (walked for its exception), logs/a.log, src/x.tmp.
        assert_eq!(package.ignored, 4);
    }

    #[test]
    fn the_same_directory_makes_the_same_zip() {
        let dir = context(&[("Dockerfile", "FROM nginx\n"), ("b.txt", "b"), ("a/c.txt", "c")]);
        assert_eq!(package(dir.path(), ".", "Dockerfile").zip, package(dir.path(), ".", "Dockerfile").zip);
    }

    #[cfg(unix)]
    #[test]
    fn modes_and_links_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = context(&[("Dockerfile", "FROM nginx\n"), ("run.sh", "#!/bin/sh\n")]);
        fs::set_permissions(dir.path().join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("run.sh", dir.path().join("start")).unwrap();
        let package = package(dir.path(), ".", "Dockerfile");
        let mut archive = zip::ZipArchive::new(Cursor::new(package.zip)).unwrap();
        assert_eq!(archive.by_name("run.sh").unwrap().unix_mode().map(|m| m & 0o777), Some(0o755));
        assert!(archive.by_name("start").unwrap().is_symlink());
    }

    #[test]
    fn a_missing_dockerfile_or_a_bad_pattern_is_refused_before_anything_is_sent() {
        let dir = context(&[("index.html", "x")]);
        let err = list(dir.path(), ".", "Dockerfile").unwrap_err();
        assert!(matches!(err, CliError::Usage(ref m) if m.contains("no Dockerfile")), "{err}");
        let dir = context(&[("api/Dockerfile", "FROM nginx\n"), (".dockerignore", "[oops\n")]);
        let err = list(dir.path(), ".", "api/Dockerfile").unwrap_err();
        assert!(matches!(err, CliError::Usage(ref m) if m.contains("line 1")), "{err}");
        let dir = context(&[("api/Dockerfile", "FROM nginx\n"), (".dockerignore", "api\n")]);
        assert_eq!(names(&package(dir.path(), ".", "api/Dockerfile")), vec![".dockerignore", "api/Dockerfile"]);
    }

    #[test]
    fn with_a_build_directory_its_own_ignore_file_applies_and_only_it_is_sent() {
        let dir = context(&[
            (".dockerignore", "nothing-here\n"),
            ("README.md", "outside the context"),
            ("api/Dockerfile", "FROM nginx\n"),
            ("api/.dockerignore", ".env\n/tmp\n"),
            ("api/.env", "DB_PASSWORD=x"),
            ("api/tmp/x", "t"),
            ("api/main.go", "package main"),
        ]);
        let first = package(dir.path(), "api", "api/Dockerfile");
        assert_eq!(names(&first), vec!["api/.dockerignore", "api/Dockerfile", "api/main.go"]);
        assert_eq!(first.ignored, 2);
        // BuildKit's ignore file beside the Dockerfile wins over the context's.
        fs::write(dir.path().join("api/Dockerfile.dockerignore"), "main.go\n").unwrap();
        let names = names(&package(dir.path(), "api", "api/Dockerfile"));
        assert_eq!(
            names,
            vec![
                "api/.dockerignore",
                "api/.env",
                "api/Dockerfile",
                "api/Dockerfile.dockerignore",
                "api/tmp/",
                "api/tmp/x"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dockerfile_that_is_a_link_is_refused() {
        let dir = context(&[("real", "FROM nginx\n")]);
        std::os::unix::fs::symlink("real", dir.path().join("Dockerfile")).unwrap();
        let err = list(dir.path(), ".", "Dockerfile").unwrap_err();
        assert!(matches!(err, CliError::Usage(ref m) if m.contains("symbolic link")), "{err}");
    }
}
