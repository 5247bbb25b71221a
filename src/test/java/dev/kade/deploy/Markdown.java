package dev.kade.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the documentation tests need to know about a Markdown file as GitHub renders it: the anchors of its
 * headings and the links it makes. Lines inside fenced code blocks are neither headings nor links, and
 * neither is text inside inline code spans, as on GitHub.
 */
final class Markdown {

    private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.+?)\\s*#*");
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    /** An inline code span; like a link's text it may run over lines, never over a blank line. */
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?!`)(?:(?!\\n[ \\t]*\\n)[\\s\\S])*?(?<!`)\\1(?!`)");
    /** {@code [text](target)} or {@code ![alt](target)}, target up to the first space or closing parenthesis. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[((?:[^\\[\\]]|\\[[^\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A reference definition, {@code [label]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[([^\\]]+)\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern INLINE_LINK_IN_HEADING = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");

    private Markdown() {}

    /** A link in a Markdown file: the 1-based line it is on, its text, and its target as written. */
    record Link(int line, String text, String target) {
        @Override
        public String toString() {
            return "line " + line + ": [" + text + "](" + target + ")";
        }
    }

    /**
     * The anchors GitHub gives a Markdown file's headings: the heading text without inline code marks and
     * with a link reduced to its text, in lower case, with everything but letters, digits, spaces, hyphens
     * and underscores removed and spaces turned into hyphens; a repeated anchor gets -1, -2, ...
     */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : markdown.split("\\R", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (inFence || !heading.matches()) {
                continue;
            }
            String text = INLINE_LINK_IN_HEADING.matcher(heading.group(1).strip()).replaceAll("$1");
            String slug = text.replace("`", "").toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    /**
     * Every inline link, image and reference definition outside code, in order. A link's text may run
     * over several lines, as a paragraph's does; its line is the one its text starts on.
     */
    static List<Link> links(String markdown) {
        // The text outside fenced blocks, fenced lines blanked so that offsets still map to lines.
        StringBuilder prose = new StringBuilder();
        boolean inFence = false;
        for (String line : markdown.split("\\R", -1)) {
            boolean fence = FENCE.matcher(line).find();
            if (fence) {
                inFence = !inFence;
            }
            prose.append(fence || inFence ? "" : line).append('\n');
        }
        // Code spans (which may also run over lines) blanked, keeping their line breaks.
        Matcher span = CODE_SPAN.matcher(prose);
        StringBuilder text = new StringBuilder();
        while (span.find()) {
            span.appendReplacement(text, span.group().replaceAll("[^\n]", ""));
        }
        span.appendTail(text);

        List<Link> links = new ArrayList<>();
        String[] lines = text.toString().split("\n", -1);
        int[] lineStart = new int[lines.length];
        for (int i = 1; i < lines.length; i++) {
            lineStart[i] = lineStart[i - 1] + lines[i - 1].length() + 1;
        }
        for (int i = 0; i < lines.length; i++) {
            Matcher reference = REFERENCE.matcher(lines[i]);
            if (reference.matches()) {
                links.add(new Link(i + 1, reference.group(1), reference.group(2)));
            }
        }
        Matcher inline = INLINE_LINK.matcher(text);
        while (inline.find()) {
            int at = java.util.Arrays.binarySearch(lineStart, inline.start());
            int line = at >= 0 ? at : -at - 2;
            links.add(new Link(line + 1, inline.group(1).replaceAll("\\s+", " "), inline.group(2)));
        }
        links.sort(java.util.Comparator.comparingInt(Link::line));
        return links;
    }
}
