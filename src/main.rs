//! The `kadr` binary: parses arguments and either opens the desktop app or runs one command.

use clap::Parser;

fn main() {
    let cli = kadr::cli::Cli::parse();
    std::process::exit(kadr::cli::run(cli));
}
