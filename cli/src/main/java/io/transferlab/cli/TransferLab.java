package io.transferlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The transferlab command. */
@Command(name = "transferlab", mixinStandardHelpOptions = true, version = "transferlab 0.1.0",
        description = "How much labelled data do you need when you start from an ImageNet network?",
        subcommands = {ScanCommand.class, SplitCommand.class, StudyCommand.class, BenchCommand.class, SubmitCommand.class, FetchCommand.class, RegisterCommand.class})
public final class TransferLab {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command; a failure prints its message (which names the problem) and exits with 2. */
    static CommandLine commandLine() {
        return new CommandLine(new TransferLab())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("transferlab: " + e.getMessage());
                    return 2;
                });
    }
}
