package dev.bluegreen.examples;

import picocli.CommandLine.Option;

/** The {@code -h, --help} option, mixed into every command. */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
