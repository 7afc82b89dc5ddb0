package dev.durafile.json;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * Child-process main for {@link JsonFilesTest}: {@code <file> <n>}. Prints {@code ready}, waits for a
 * line on standard input, then increments the counter in {@code file} {@code n} times with
 * {@link JsonFiles#update} and prints {@code done} followed by every value its updates returned.
 */
public final class CounterChild {
    /** The counter document. */
    public record Counter(long count) {
        /** @return this counter plus one */
        public Counter next() {
            return new Counter(count + 1);
        }
    }

    private CounterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        StringJoiner values = new StringJoiner(" ", "done ", "");
        for (int i = 0; i < n; i++) {
            values.add(Long.toString(JsonFiles.update(file, Counter.class, () -> new Counter(0), Counter::next).count()));
        }
        System.out.println(values);
    }
}
