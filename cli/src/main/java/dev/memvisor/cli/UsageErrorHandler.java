package dev.memvisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * A usage error in two lines rather than the whole help: which command, what was wrong (picocli's
 * message names the option and the value), close matches for a mistyped name, and where the options are.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        if (ex instanceof MemvisorCommand.MissingCommand) {
            cl.usage(err);
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + name + " --help' for the options.");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
