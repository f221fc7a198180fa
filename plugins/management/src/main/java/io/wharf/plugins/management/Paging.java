package io.wharf.plugins.management;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RabbitMQ's list parameters: {@code name} (+ {@code use_regex}) filters, {@code sort} (a field, dotted for nested
 * ones: {@code message_stats.publish_details.rate}) with {@code sort_reverse}, and {@code page} / {@code page_size}.
 * With {@code page} the answer is an object ({@code items}, {@code page}, {@code page_count}, {@code page_size},
 * {@code item_count}, {@code filtered_count}, {@code total_count}); without it, the plain (sorted) list.
 */
final class Paging {

    static final int MAX_PAGE_SIZE = 500;

    private Paging() {
    }

    static Object apply(List<Map<String, Object>> all, Map<String, String> query) {
        List<Map<String, Object>> items = new ArrayList<>(all);
        String name = query.get("name");
        if (name != null && !name.isEmpty()) {
            Pattern pattern;
            try {
                pattern = "true".equals(query.get("use_regex")) ? Pattern.compile(name)
                        : Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw Bodies.bad("'name' is not a valid regular expression: " + e.getDescription());
            }
            items.removeIf(item -> !pattern.matcher(String.valueOf(item.get("name"))).find());
        }
        String sort = query.get("sort");
        if (sort != null && !sort.isEmpty()) {
            Comparator<Map<String, Object>> order = Comparator.comparing(item -> field(item, sort),
                    Paging::compare);
            if ("true".equals(query.get("sort_reverse"))) {
                order = order.reversed();
            }
            items.sort(order);
        }
        if (query.get("page") == null) {
            return items;
        }
        int page = positive(query.get("page"), "page", Integer.MAX_VALUE);
        int size = query.get("page_size") == null ? 100 : positive(query.get("page_size"), "page_size", MAX_PAGE_SIZE);
        int pageCount = Math.max(1, (items.size() + size - 1) / size);
        if (page > pageCount) {
            throw Bodies.bad("page " + page + " is past the last page (" + pageCount + ")");
        }
        List<Map<String, Object>> slice = items.subList((page - 1) * size, Math.min(items.size(), page * size));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filtered_count", items.size());
        out.put("item_count", slice.size());
        out.put("items", slice);
        out.put("page", page);
        out.put("page_count", pageCount);
        out.put("page_size", size);
        out.put("total_count", all.size());
        return out;
    }

    private static int positive(String value, String name, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw Bodies.bad("'" + name + "' must be an integer 1.." + max + ", not '" + value + "'");
    }

    private static Object field(Map<String, Object> item, String path) {
        Object v = item;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(part);
        }
        return v;
    }

    private static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }
}
