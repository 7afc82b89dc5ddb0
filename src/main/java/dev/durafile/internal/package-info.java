/**
 * Implementation of durafile: the write protocol ({@code PendingWrite}), the raw system-call bindings
 * and the backend choice. Not API: anything here may change without notice.
 */
package dev.durafile.internal;
