/**
 * A crash-test kit for persistence code that uses java.nio: {@link dev.durafile.testing.CrashFileSystem},
 * an in-memory file system that simulates power cuts (unsynced file data lost, zeroed or torn per
 * 512-byte sector; directory entries surviving only after a directory fsync, as per-directory prefixes
 * of atomic operations), and {@link dev.durafile.testing.CrashTester}, which crashes an action at each of
 * its operations and checks an invariant on what survives.
 *
 * <p>{@link dev.durafile.AtomicFiles} runs on these paths through its java.nio backend (paths of a
 * non-default file system always use it), so its guarantees can be checked here, and so can a user's own
 * code built on it. A pass means "correct under the model that {@code CrashFileSystem} documents": it
 * says nothing about I/O errors, lying disks, block-device caches, file-system-specific journal
 * ordering, timestamps, permissions, memory mapping or locks, which the model leaves out.
 */
package dev.durafile.testing;
