package dev.durafile.story;

import java.util.ArrayList;
import java.util.List;

/**
 * The repository registry kept in {@code repositories.json}: registered repositories in order of
 * first registration, names unique.
 *
 * @param repositories the entries; copied
 */
public record Repositories(List<Repository> repositories) {
    /** No repository registered. */
    public static final Repositories EMPTY = new Repositories(List.of());

    /** Copies the list. */
    public Repositories {
        repositories = List.copyOf(repositories);
    }

    /** @return these entries with {@code repo} added, or replacing the entry of the same name in place */
    public Repositories with(Repository repo) {
        List<Repository> next = new ArrayList<>(repositories);
        int at = indexOf(repo.name());
        if (at < 0) {
            next.add(repo);
        } else {
            next.set(at, repo);
        }
        return new Repositories(next);
    }

    /** @return these entries without the one named {@code name} (unchanged if there is none) */
    public Repositories without(String name) {
        List<Repository> next = new ArrayList<>(repositories);
        next.removeIf(r -> r.name().equals(name));
        return new Repositories(next);
    }

    private int indexOf(String name) {
        for (int i = 0; i < repositories.size(); i++) {
            if (repositories.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
