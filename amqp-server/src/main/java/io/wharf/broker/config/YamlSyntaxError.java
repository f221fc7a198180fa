package io.wharf.broker.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a yaml parse failure into one line for a {@link ConfigException}:
 * {@code line 5, column 5: while parsing a flow sequence (from line 4, column 9); expected ',' or ']', but got :}.
 *
 * <p>SnakeYAML's message spans several lines: the problem, an excerpt of the source with a caret, and
 * {@code in 'reader', line N, column M} marks. The excerpt is noise in a list of errors, and jackson's own location
 * is where its parser stopped, which for some errors (a tab used for indentation) is the line before the problem.
 * So the last mark in the text (the problem) leads the line; an earlier mark (where the construct began) stays
 * beside its words; jackson's location is used only when the text has no mark (duplicate keys).
 */
final class YamlSyntaxError {

    private static final Pattern MARK = Pattern.compile("^ in '[^']*', line (\\d+), column (\\d+):?$");
    private static final String EXCERPT_INDENT = "    ";

    private YamlSyntaxError() {
    }

    static String describe(JsonProcessingException e) {
        List<String> words = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        for (String line : String.valueOf(e.getOriginalMessage()).split("\n")) {
            Matcher mark = MARK.matcher(line);
            if (mark.matches()) {
                if (!words.isEmpty()) {
                    marks.set(marks.size() - 1, "line " + mark.group(1) + ", column " + mark.group(2));
                }
            } else if (!line.isBlank() && !line.startsWith(EXCERPT_INDENT)) {
                words.add(line.strip());
                marks.add(null);
            }
        }

        int problem = marks.size() - 1;
        while (problem >= 0 && marks.get(problem) == null) {
            problem--;
        }
        String location;
        if (problem >= 0) {
            location = marks.get(problem);
        } else {
            JsonLocation at = e.getLocation();
            location = at == null || at.getLineNr() < 1 ? null
                    : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        }

        List<String> parts = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            boolean earlierMark = marks.get(i) != null && i != problem;
            parts.add(earlierMark ? words.get(i) + " (from " + marks.get(i) + ")" : words.get(i));
        }
        String text = String.join("; ", parts);
        return location == null ? text : location + ": " + text;
    }
}
