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
    std::process::exit(kadr::cli::run(cli));
}
