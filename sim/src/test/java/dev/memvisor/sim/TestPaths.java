package dev.memvisor.sim;

import java.nio.file.Path;

/** Where the project's examples and its data folder are, for tests. */
public final class TestPaths {
    private TestPaths() {}

    /** The project root (set by Surefire as memvisor.root). */
    public static Path root() {
        String r = System.getProperty("memvisor.root");
        Path p = r == null ? Path.of("..") : Path.of(r);
        return p.toAbsolutePath().normalize();
    }

    /** An example scenario. */
    public static Path example(String name) {
        return root().resolve("examples").resolve(name);
    }

    /** A file of the repository's data/ folder. */
    public static Path data(String rel) {
        return root().resolve("data").resolve(rel).normalize();
    }
}
