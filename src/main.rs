//! The `kadr` binary: parses arguments and either opens the desktop app or runs one command.

use clap::Parser;

fn main() {
    let cli = match kadr::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One readable line, as every other error: clap's first line without its prefix.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("kadr: {first} (see kadr --help)");
            std::process::exit(2);
        }
    };
    if cli.command.is_none() {
        std::process::exit(window(cli));
    }
    restore_sigpipe();
    std::process::exit(kadr::cli::run(cli));
}

/// No command: the desktop app on the library given (or the default one).
fn window(cli: kadr::cli::Cli) -> i32 {
    let actor = kadr::cli::actor(cli.actor);
    let lib = match kadr::cli::library(cli.library) {
        Ok(lib) => lib,
        Err(e) => {
            eprintln!("kadr: {e}");
            return 1;
        }
    };
    match kadr::app::run(lib, actor) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kadr: cannot open the window: {e}");
            1
        }
    }
}

/// A command's output piped into `head` (or any reader that stops early) ends the command
/// quietly, as with every other Unix tool, instead of a panic on the broken pipe. Rust starts
/// programs with SIGPIPE ignored; the desktop app keeps it so.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once, before any thread is started, with a valid signal and handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
