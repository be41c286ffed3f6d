package dev.memvisor.cli;

import picocli.CommandLine;

/** Prints a failed command's message without a stack trace (set MEMVISOR_DEBUG=1 for one) and exits 1. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (System.getenv("MEMVISOR_DEBUG") != null) ex.printStackTrace(cl.getErr());
        return 1;
    }
}
