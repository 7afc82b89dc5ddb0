package dev.durafile.cli;

import java.util.List;

/** Plain-text layout for help and reports: wrapped paragraphs and aligned columns. */
final class Text {
    /** The width help text is wrapped to. */
    static final int WIDTH = 80;
    private static final int MAX_TERM_WIDTH = 28;

    private Text() {
    }

    /**
     * @param paragraph words separated by single spaces
     * @param indent the spaces in front of every line
     * @return the paragraph wrapped to {@link #WIDTH} columns, without a trailing newline
     */
    static String wrap(String paragraph, int indent) {
        String pad = " ".repeat(indent);
        StringBuilder out = new StringBuilder(pad);
        int column = indent;
        for (String word : paragraph.split(" ")) {
            if (column > indent && column + 1 + word.length() > WIDTH) {
                out.append('\n').append(pad);
                column = indent;
            } else if (column > indent) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }

    /**
     * Lays out term-and-description pairs as in {@code --help}: terms indented by two, descriptions
     * aligned and wrapped beside them (below a term that is too long).
     *
     * @param rows pairs of term and description
     * @return the lines, each ending with a newline
     */
    static String table(List<List<String>> rows) {
        int termWidth = rows.stream().mapToInt(r -> r.get(0).length()).filter(w -> w <= MAX_TERM_WIDTH).max()
                .orElse(0);
        int indent = 2 + termWidth + 2;
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            String term = row.get(0);
            String text = wrap(row.get(1), indent);
            if (term.length() <= termWidth) {
                b.append("  ").append(term).append(" ".repeat(termWidth - term.length() + 2))
                        .append(text.substring(indent));
            } else {
                b.append("  ").append(term).append('\n').append(text);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Lays out a table of cells in columns separated by two spaces: the first column left-aligned,
     * the others right-aligned (they hold numbers).
     *
     * @param rows the rows, the header first; all of the same length
     * @return the lines, each ending with a newline
     */
    static String grid(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                String pad = " ".repeat(widths[c] - cell.length());
                line.append(c == 0 ? cell + pad : "  " + pad + cell);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
