/**
 * Implementation of durafile: the write protocol ({@code PendingWrite}), the raw system-call bindings
 * and the backend choice. Every number of the Linux ABI (open and *at flags, errno values, struct
 * layouts, file-system magic numbers) is in {@code Linux}, read only by the native bindings and the
 * errno-to-exception mapping; the protocol above {@code FileBinding} names none. Not API: anything
 * here may change without notice.
 */
package dev.durafile.internal;
