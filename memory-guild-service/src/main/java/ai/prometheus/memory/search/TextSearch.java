package ai.prometheus.memory.search;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Postgres full-text matching, evaluated in the service on Postgres's own output: the text form of
 * a memory's stored {@code tsvector} and of the query's {@code tsquery} (Postgres parses and stems
 * both). {@link Query#matches} is {@code @@} (the search tests compare it with Postgres);
 * {@link Query#bm25} ranks the matches.
 *
 * <p>Why here: ranking every match in a scope of ~12,000 memories costs Postgres 5 to 15 ms for a
 * query of common words, scanning the cached copy costs the service well under one. Queries this
 * class cannot evaluate exactly (prefix or weight restrictions, phrases of phrases) are
 * {@linkplain #parseQuery refused}, and the caller asks Postgres instead.
 *
 * <p>Size: ~410 lines because it reproduces one Postgres behaviour end to end (the tsvector and
 * tsquery text forms, {@code @@} and the ranking), whose parts must agree with Postgres together;
 * move the query parser to its own class if it learns more tsquery syntax.
 */
final class TextSearch {

    private static final int MAX_POSITION = (1 << 14) - 1;

    private TextSearch() {}

    // --- documents --------------------------------------------------------------------------

    /**
     * One memory's lexemes, sorted, each with its positions packed as Postgres packs them:
     * position in the low 14 bits, weight (0 = D ... 3 = A) in the top 2.
     */
    record Document(String[] lexemes, short[][] positions, int length) {

        static final Document EMPTY = new Document(new String[0], new short[0][], 0);

        short[] positionsOf(String lexeme) {
            int index = Arrays.binarySearch(lexemes, lexeme);
            return index < 0 ? null : positions[index];
        }
    }

    /**
     * Parses the text output of a {@code tsvector}: {@code 'lexeme':1A,4 'other':2}. It runs for
     * every memory a context load reads (12,000 for a cold lineage), so it builds no boxed or
     * per-lexeme temporary objects; Postgres prints lexemes sorted, so sorting is only a fallback.
     */
    static Document parseVector(String text) {
        if (text == null || text.isBlank()) {
            return Document.EMPTY;
        }
        String[] lexemes = new String[8];
        short[][] positions = new short[8][];
        short[] buffer = new short[16];
        int count = 0;
        int length = 0;
        boolean sorted = true;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int close = plainLexemeEnd(text, i);
            String lexeme;
            if (close > 0) {
                lexeme = text.substring(i + 1, close);
                i = close + 1;
            } else {
                StringBuilder escaped = new StringBuilder();
                i = readQuoted(text, i, escaped);
                lexeme = escaped.toString();
            }
            int found = 0;
            if (i < n && text.charAt(i) == ':') {
                i++;
                while (true) {
                    int position = 0;
                    while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                        position = position * 10 + (text.charAt(i) - '0');
                        i++;
                    }
                    int weight = 0;
                    if (i < n && text.charAt(i) >= 'A' && text.charAt(i) <= 'D') {
                        weight = 'D' - text.charAt(i);
                        i++;
                    }
                    if (found == buffer.length) {
                        buffer = Arrays.copyOf(buffer, found * 2);
                    }
                    buffer[found++] = (short) ((weight << 14) | (position & MAX_POSITION));
                    if (i < n && text.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            if (count == lexemes.length) {
                lexemes = Arrays.copyOf(lexemes, count * 2);
                positions = Arrays.copyOf(positions, count * 2);
            }
            sorted &= count == 0 || lexemes[count - 1].compareTo(lexeme) < 0;
            lexemes[count] = lexeme;
            positions[count++] = Arrays.copyOf(buffer, found);
            // A lexeme without positions counts once, as Postgres counts it.
            length += Math.max(1, found);
        }
        lexemes = Arrays.copyOf(lexemes, count);
        positions = Arrays.copyOf(positions, count);
        if (!sorted) {
            // Postgres orders by bytes; a binary search needs Java's order of strings.
            TreeMap<String, short[]> entries = new TreeMap<>();
            for (int e = 0; e < count; e++) {
                entries.put(lexemes[e], positions[e]);
            }
            lexemes = entries.keySet().toArray(String[]::new);
            positions = entries.values().toArray(short[][]::new);
        }
        return new Document(lexemes, positions, length);
    }

    /**
     * The index of the closing quote of the lexeme quoted at {@code i} when it holds no escapes
     * (the common case: a substring will do), else -1.
     */
    private static int plainLexemeEnd(String text, int i) {
        if (text.charAt(i) != '\'') {
            return -1;
        }
        for (int j = i + 1; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\\') {
                return -1;
            }
            if (c == '\'') {
                return j + 1 < text.length() && text.charAt(j + 1) == '\'' ? -1 : j;
            }
        }
        return -1;
    }

    /** Reads a quoted lexeme starting at {@code i} ({@code ''} and backslash escapes); returns the index after it. */
    private static int readQuoted(String text, int i, StringBuilder into) {
        if (text.charAt(i) != '\'') {
            throw new IllegalArgumentException("expected a quoted lexeme at " + i + " in " + text);
        }
        i++;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                into.append(text.charAt(i + 1));
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    into.append('\'');
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                into.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated lexeme in " + text);
    }

    // --- queries ----------------------------------------------------------------------------

    /** A node of a parsed tsquery. */
    sealed interface Node permits Term, Not, And, Or, Phrase {}

    record Term(String lexeme) implements Node {}

    record Not(Node operand) implements Node {}

    record And(Node left, Node right) implements Node {}

    record Or(Node left, Node right) implements Node {}

    /** {@code left <distance> right}; only left-deep chains of terms, as websearch_to_tsquery writes them. */
    record Phrase(Node left, Term right, int distance) implements Node {}

    /** A parsed query with its distinct lexemes in Postgres's order. */
    record Query(Node root, List<String> lexemes) {

        /** Whether only memories containing one of its lexemes can match (no negation anywhere). */
        boolean needsALexeme() {
            return root != null && !negates(root);
        }

        private static boolean negates(Node node) {
            if (node instanceof Not) {
                return true;
            }
            if (node instanceof And and) {
                return negates(and.left()) || negates(and.right());
            }
            if (node instanceof Or or) {
                return negates(or.left()) || negates(or.right());
            }
            return false; // terms, and phrases of terms
        }

        boolean matches(Document document) {
            return root != null && evaluate(root, document);
        }

        /**
         * Okapi BM25 of the document for this query's lexemes: each lexeme's weight (rarer in the
         * scope counts more) times its saturating frequency in the document ({@code k1}), with
         * longer documents discounted against the scope's average length ({@code b}). ts_rank has
         * neither: it counts repeats almost linearly and ignores how common a word is, so a query's
         * most frequent word (a speaker's name in a conversation) outweighed the rare one that
         * mattered.
         */
        double bm25(Document document, Statistics statistics) {
            double score = 0;
            double norm = K1 * (1 - B + B * document.length() / Math.max(1e-9, statistics.averageLength()));
            for (int i = 0; i < lexemes.size(); i++) {
                short[] positions = document.positionsOf(lexemes.get(i));
                if (positions == null) {
                    continue;
                }
                int frequency = Math.max(1, positions.length);
                score += statistics.idf(i) * frequency * (K1 + 1) / (frequency + norm);
            }
            return score;
        }
    }

    /** BM25's term-frequency saturation and length normalisation, the usual values. */
    static final double K1 = 1.2;

    static final double B = 0.75;

    /**
     * What BM25 needs to know of the scope searched: how many documents, their average length, and
     * per query lexeme how many documents hold it. Filled while the scope is scanned.
     */
    static final class Statistics {
        private final Query query;
        private final int[] documentFrequency;
        private long documents;
        private long totalLength;

        Statistics(Query query) {
            this.query = query;
            this.documentFrequency = new int[query.lexemes().size()];
        }

        void countDocument(Document document) {
            countDocuments(1, document.length());
        }

        /** Counts {@code count} documents whose lengths add up to {@code length} (a whole block at once). */
        void countDocuments(long count, long length) {
            documents += count;
            totalLength += length;
        }

        void countLexemes(Document document) {
            for (int i = 0; i < documentFrequency.length; i++) {
                if (document.positionsOf(query.lexemes().get(i)) != null) {
                    documentFrequency[i]++;
                }
            }
        }

        long documents() {
            return documents;
        }

        double averageLength() {
            return documents == 0 ? 1 : totalLength / (double) documents;
        }

        double idf(int lexeme) {
            double df = documentFrequency[lexeme];
            return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
        }
    }

    private static boolean evaluate(Node node, Document document) {
        if (node instanceof Term term) {
            return document.positionsOf(term.lexeme()) != null;
        }
        if (node instanceof Not not) {
            return !evaluate(not.operand(), document);
        }
        if (node instanceof And and) {
            return evaluate(and.left(), document) && evaluate(and.right(), document);
        }
        if (node instanceof Or or) {
            return evaluate(or.left(), document) || evaluate(or.right(), document);
        }
        return phraseEnds(node, document).length > 0;
    }

    /** Positions where the phrase ends in the document (those of its last term). */
    private static int[] phraseEnds(Node node, Document document) {
        if (node instanceof Term term) {
            short[] positions = document.positionsOf(term.lexeme());
            if (positions == null) {
                return new int[0];
            }
            int[] plain = new int[positions.length];
            for (int i = 0; i < positions.length; i++) {
                plain[i] = positions[i] & MAX_POSITION;
            }
            return plain;
        }
        Phrase phrase = (Phrase) node;
        int[] left = phraseEnds(phrase.left(), document);
        int[] right = phraseEnds(phrase.right(), document);
        int[] ends = new int[right.length];
        int count = 0;
        for (int end : right) {
            for (int start : left) {
                if (end - start == phrase.distance()) {
                    ends[count++] = end;
                    break;
                }
            }
        }
        return Arrays.copyOf(ends, count);
    }

    /**
     * Parses the text output of a {@code tsquery}, or empty when this class would not evaluate it
     * exactly as Postgres does (prefix and weight restrictions, phrases other than left-deep
     * chains of terms, negation inside a phrase). An empty query (only stop words) is a query
     * without lexemes, which matches nothing.
     */
    static Optional<Query> parseQuery(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(new Query(null, List.of()));
        }
        try {
            QueryParser parser = new QueryParser(text);
            Node root = parser.or();
            parser.skipSpaces();
            if (!parser.atEnd()) {
                return Optional.empty();
            }
            List<String> lexemes = parser.lexemes.stream()
                    .distinct()
                    .sorted(TextSearch::comparePostgres)
                    .toList();
            return Optional.of(new Query(root, lexemes));
        } catch (Unsupported | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Postgres orders lexemes by their bytes, a shorter one first when it is a prefix of the other. */
    static int comparePostgres(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        int common = Math.min(x.length, y.length);
        for (int i = 0; i < common; i++) {
            int difference = (x[i] & 0xff) - (y[i] & 0xff);
            if (difference != 0) {
                return difference;
            }
        }
        return x.length - y.length;
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** Recursive descent over Postgres's output precedence: ! binds tightest, then phrase, &, |. */
    private static final class QueryParser {
        private final String text;
        private final List<String> lexemes = new ArrayList<>();
        private int i;

        QueryParser(String text) {
            this.text = text;
        }

        Node or() {
            Node left = and();
            while (peek('|')) {
                i++;
                left = new Or(left, and());
            }
            return left;
        }

        Node and() {
            Node left = phrase();
            while (peek('&')) {
                i++;
                left = new And(left, phrase());
            }
            return left;
        }

        Node phrase() {
            Node left = unary();
            while (peek('<')) {
                int close = text.indexOf('>', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated phrase operator");
                }
                String inside = text.substring(i + 1, close);
                int distance = inside.equals("-") ? 1 : Integer.parseInt(inside);
                i = close + 1;
                Node right = unary();
                if (!(right instanceof Term term) || !(left instanceof Term || left instanceof Phrase)) {
                    throw new Unsupported();
                }
                left = new Phrase(left, term, distance);
            }
            return left;
        }

        Node unary() {
            skipSpaces();
            if (atEnd()) {
                throw new IllegalArgumentException("unexpected end of query");
            }
            char c = text.charAt(i);
            if (c == '!') {
                i++;
                return new Not(unary());
            }
            if (c == '(') {
                i++;
                Node inner = or();
                if (!peek(')')) {
                    throw new IllegalArgumentException("unbalanced parenthesis");
                }
                i++;
                return inner;
            }
            StringBuilder lexeme = new StringBuilder();
            i = readQuoted(text, i, lexeme);
            if (i < text.length() && text.charAt(i) == ':') {
                throw new Unsupported(); // prefix (:*) or weight restriction
            }
            lexemes.add(lexeme.toString());
            return new Term(lexeme.toString());
        }

        boolean peek(char c) {
            skipSpaces();
            return i < text.length() && text.charAt(i) == c;
        }

        void skipSpaces() {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
        }

        boolean atEnd() {
            return i >= text.length();
        }
    }
}
