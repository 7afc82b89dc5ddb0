package dev.durafile.story;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;

/**
 * The batch server's workspace directory (the story's
 * {@code /var/lib/claude-batch-server/claude-code-server-workspace}) and where each store keeps its
 * files in it. Every path it hands out is absolute.
 */
public final class Workspace {
    /** How every store serializes its JSON: indented, as the story's services do. Thread-safe. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path root;

    /** @param root the workspace directory; made absolute */
    public Workspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return the workspace directory */
    public Path root() {
        return root;
    }

    /** @return {@code jobs/<jobId>} */
    public Path jobDir(String jobId) {
        return root.resolve("jobs").resolve(checkName(jobId));
    }

    /** @return {@code statistics.json} */
    public Path statisticsFile() {
        return root.resolve("statistics.json");
    }

    /** @return {@code repositories.json} */
    public Path repositoriesFile() {
        return root.resolve("repositories.json");
    }

    /** @return {@code context_repository} */
    public Path contextRepository() {
        return root.resolve("context_repository");
    }

    /**
     * @return {@code name} if it can be one path element
     * @throws IllegalArgumentException if it is empty, {@code .}, {@code ..} or contains a separator
     */
    static String checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid id: '" + name + "'");
        }
        return name;
    }
}
