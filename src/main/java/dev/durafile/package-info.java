/**
 * Crash-proof file writes: {@link dev.durafile.AtomicFiles} replaces a file so that a crash, a kill -9
 * or a power cut leaves the complete old or the complete new content, never a partial, empty or
 * zero-filled file, and a write that returned at {@link dev.durafile.Durability#DURABLE} survives a
 * power cut.
 */
package dev.durafile;
