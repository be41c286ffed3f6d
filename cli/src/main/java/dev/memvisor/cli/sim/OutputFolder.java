package dev.memvisor.cli.sim;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --out} folder, made and proved writable before a run, so a bad path fails at once, not after minutes of simulation. */
public final class OutputFolder {
    private OutputFolder() {}

    /**
     * Creates {@code out} if missing and checks a file can be written in it.
     *
     * @throws CommandLine.ParameterException (exit 2) naming the option, the path and why it cannot be used
     */
    public static void prepare(CommandSpec spec, Path out) {
        String what = "--out " + out + ": ";
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + "not a folder (a file of that name exists); expected a folder to write into");
        }
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".memvisor-write-check", ".tmp");
            Files.delete(probe);
        } catch (FileAlreadyExistsException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + "cannot make the folder: " + e.getFile() + " is a file");
        } catch (AccessDeniedException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + "cannot write there (permission denied on " + e.getFile() + ")");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + "cannot write there (" + e.getMessage() + ")");
        }
    }
}
