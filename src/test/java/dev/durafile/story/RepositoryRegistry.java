package dev.durafile.story;

import dev.durafile.WriteOptions;
import dev.durafile.json.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The story's RepositoryRegistrationService retrofitted: the registry lives in
 * {@code repositories.json}, and each change is a read-modify-write under {@link JsonFiles#update}'s
 * locks, so concurrent registrations from any thread or process are all kept. A crash leaves the
 * previous complete registry (or none before the first registration). Thread-safe.
 */
public final class RepositoryRegistry {
    private final Path file;

    /** @param workspace where the registry lives */
    public RepositoryRegistry(Workspace workspace) {
        this.file = workspace.repositoriesFile();
    }

    /** @return the registry after adding {@code repo}, or replacing the entry of the same name */
    public Repositories register(Repository repo) throws IOException {
        return change(r -> r.with(repo));
    }

    /** @return the registry after removing the repository named {@code name}, if registered */
    public Repositories unregister(String name) throws IOException {
        return change(r -> r.without(name));
    }

    /**
     * @return the saved registry
     * @throws java.nio.file.NoSuchFileException if nothing was ever registered
     * @throws IOException naming the file if it is not a valid registry
     */
    public Repositories load() throws IOException {
        return JsonFiles.read(file, Repositories.class, Workspace.MAPPER);
    }

    private Repositories change(UnaryOperator<Repositories> change) throws IOException {
        return JsonFiles.update(file, Repositories.class, () -> Repositories.EMPTY, change, Workspace.MAPPER,
                WriteOptions.defaults());
    }
}
