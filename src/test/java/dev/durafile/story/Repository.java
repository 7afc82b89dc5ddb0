package dev.durafile.story;

/**
 * A registered repository.
 *
 * @param name its unique name
 * @param url where it is cloned from
 * @param branch the branch jobs check out
 */
public record Repository(String name, String url, String branch) {
}
