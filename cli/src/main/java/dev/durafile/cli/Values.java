package dev.durafile.cli;

import dev.durafile.Durability;
import dev.durafile.internal.Name;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converters for option values. Each throws {@link IllegalArgumentException} saying what it expected,
 * which {@link Arguments#value} turns into a usage error naming the option.
 */
final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(?:([kmg])(?:i?b)?)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d{1,9}");
    private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3}");
    /** The units a duration may be given in, largest first, as {@link #formatDuration} prefers them. */
    private static final List<ChronoUnit> UNITS = List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES,
            ChronoUnit.SECONDS, ChronoUnit.MILLIS);
    private static final List<String> UNIT_SUFFIXES = List.of("d", "h", "m", "s", "ms");
    /** PosixFilePermission's constants in the order of the bits of an octal mode, highest bit first. */
    private static final PosixFilePermission[] MODE_BITS = PosixFilePermission.values();

    private Values() {
    }

    /** @return a duration such as {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms} or {@code 0} */
    static Duration duration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a number with a unit: ms, s, m, h or d (e.g. 10m)");
        }
        ChronoUnit unit = UNITS.get(UNIT_SUFFIXES.indexOf(m.group(2)));
        return unit.getDuration().multipliedBy(Long.parseLong(m.group(1)));
    }

    /** @return {@code d}, in whole milliseconds, in the largest unit that expresses it exactly, e.g. {@code 10m} */
    static String formatDuration(Duration d) {
        long millis = d.toMillis();
        for (int i = 0; i < UNITS.size() && millis != 0; i++) {
            long unit = UNITS.get(i).getDuration().toMillis();
            if (millis % unit == 0) {
                return millis / unit + UNIT_SUFFIXES.get(i);
            }
        }
        return "0";
    }

    /** @return a byte count such as {@code 4096}, {@code 256k} or {@code 2MiB} (binary multiples) */
    static long byteSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a number of bytes, optionally with k, m or g (e.g. 256k)");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.isEmpty() ? 0 : 10 * ("kmg".indexOf(unit) + 1);
        long n = Long.parseLong(m.group(1));
        if (n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("too large");
        }
        return n << shift;
    }

    /** @return the permissions of an octal mode from {@code 000} to {@code 0777}, e.g. {@code 0644} */
    static Set<PosixFilePermission> octalMode(String text) {
        if (!OCTAL_MODE.matcher(text).matches()) {
            throw new IllegalArgumentException("expected octal permissions from 000 to 0777 (e.g. 0644)");
        }
        int mode = Integer.parseInt(text, 8);
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < MODE_BITS.length; bit++) {
            if ((mode & (1 << (MODE_BITS.length - 1 - bit))) != 0) {
                permissions.add(MODE_BITS[bit]);
            }
        }
        return permissions;
    }

    /** @return {@code none}, {@code atomic} or {@code durable} as a level */
    static Durability durability(String text) {
        for (Durability d : Durability.values()) {
            if (d.name().equalsIgnoreCase(text)) {
                return d;
            }
        }
        throw new IllegalArgumentException("expected none, atomic or durable");
    }

    /**
     * A path from the command line. The JVM decodes its arguments with the locale's encoding, and a byte
     * that does not decode becomes U+FFFD: such an argument would name another file. Its bytes are then
     * looked up in {@code /proc/self/cmdline}; where that is missing, or two arguments decode alike, the
     * argument is refused.
     *
     * @throws IllegalArgumentException if the text is not a path, or its bytes cannot be told
     */
    static Path path(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (text.indexOf('\uFFFD') < 0) {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a path here: " + e.getReason());
            }
        }
        Charset jnu = Name.fileNameCharset();
        List<byte[]> same = new ArrayList<>();
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            for (int start = 0, end; start < cmdline.length; start = end + 1) {
                end = start;
                while (end < cmdline.length && cmdline[end] != 0) {
                    end++;
                }
                byte[] arg = Arrays.copyOfRange(cmdline, start, end);
                if (new String(arg, jnu).equals(text) && same.stream().noneMatch(b -> Arrays.equals(b, arg))) {
                    same.add(arg);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("it holds bytes that are not valid in this locale's encoding ("
                    + jnu + "), and without /proc/self/cmdline which file it names cannot be told");
        }
        if (same.size() != 1) {
            throw new IllegalArgumentException("it holds bytes that are not valid in this locale's encoding ("
                    + jnu + "), and which file it names cannot be told");
        }
        return Name.toPath(FileSystems.getDefault(), same.get(0));
    }

    /**
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return a converter of whole numbers from {@code min} to {@code max}
     */
    static Arguments.Converter<Integer> intBetween(int min, int max) {
        return text -> {
            if (WHOLE_NUMBER.matcher(text).matches()) {
                int n = Integer.parseInt(text);
                if (n >= min && n <= max) {
                    return n;
                }
            }
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
        };
    }

    /**
     * @param min the smallest accepted size
     * @param max the largest accepted size
     * @return a converter of {@link #byteSize byte sizes} from {@code min} to {@code max}
     */
    static Arguments.Converter<Integer> sizeBetween(int min, int max) {
        return text -> {
            long n = byteSize(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException("expected a size from " + min + " to " + max + " bytes");
            }
            return (int) n;
        };
    }
}
