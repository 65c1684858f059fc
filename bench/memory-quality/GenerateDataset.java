package ai.prometheus.bench.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes the retrieval-quality dataset of {@code bench/memory-quality}: multi-session
 * conversations between two people (dated sessions, hundreds of turns each) and questions, each
 * naming the turns that hold its answer.
 *
 * <p>Life events are told as short exchanges ("episodes") scattered over the sessions between
 * small talk, which deliberately reuses the events' vocabulary (someone else's dog, a class one
 * might take) so that matching words alone is not enough. Question types: {@code single} (one
 * exchange; sometimes the answer is in the reply, not in the turn that shares the question's
 * words), {@code multi-hop} (two or more turns in different sessions), {@code temporal} (the same
 * kind of event at different dates, told apart only by the date asked about), {@code paraphrase}
 * (no content word in common with the evidence, checked here) and {@code changed} (a fact that
 * changed over time: the current or the former value).
 *
 * <p>Deterministic: {@code java GenerateDataset.java <out-dir>} always writes the same files.
 */
public class GenerateDataset {

    record Turn(String id, int session, String date, String speaker, String text) {
    }

    record Question(String id, String conversation, String type, String question, String asOf, List<String> evidence) {
    }

    /** A person's line in an episode: {@code X} tells, {@code Y} is the other speaker. */
    record Line(char who, String text) {
    }

    /** Parts of an episode land in increasing sessions, each part's lines in a row. */
    record Spec(String kind, List<List<Line>> parts, List<QuestionSpec> questions, int minGap) {
    }

    /** Evidence as (part, line) pairs. */
    record QuestionSpec(String type, String text, int[][] evidence) {
    }

    static final String[][] SPEAKERS = {{"Maya", "Tom"}, {"Priya", "Daniel"}, {"Lucas", "Amara"}};
    static final LocalDate[] STARTS = {LocalDate.of(2023, 1, 8), LocalDate.of(2022, 9, 3), LocalDate.of(2023, 4, 15)};
    static final int SESSIONS = 26;

    // Value lists: an episode draws its own values, so no two instances tell the same story.
    static final String[][] PETS = {{"beagle", "Biscuit", "dog"}, {"golden retriever", "Sunny", "dog"},
        {"tabby cat", "Miso", "cat"}, {"parrot", "Kiwi", "bird"}, {"corgi", "Waffles", "dog"},
        {"grey rabbit", "Clover", "rabbit"}, {"husky", "Storm", "dog"}, {"siamese cat", "Pepper", "cat"}};
    static final String[] VETS = {"Okafor", "Lindqvist", "Moreau", "Haddad", "Brennan", "Tanaka"};
    static final String[][] JOBS = {{"data analyst", "Globex"}, {"product designer", "Initech"},
        {"nurse", "St. Anne's hospital"}, {"high school teacher", "Riverside Academy"}, {"sous chef", "Bistro Verde"},
        {"civil engineer", "Arcadia Construction"}, {"pharmacist", "Greenleaf Pharmacy"},
        {"software developer", "Hooli"}, {"accountant", "Vandelay Industries"}, {"architect", "Studio Norte"}};
    static final String[] CITIES = {"Lisbon", "Denver", "Rotterdam", "Austin", "Glasgow", "Montreal", "Osaka",
        "Melbourne", "Prague", "Seattle"};
    static final String[] HIKES = {"the Dolomites", "Patagonia", "the Scottish Highlands", "Yosemite",
        "the Swiss Alps", "Banff", "the Lake District", "Zion", "Madeira", "the Pyrenees"};
    static final String[][] HOBBIES = {{"pottery", "ceramicist"}, {"salsa dancing", "dancer"},
        {"watercolour painting", "illustrator"}, {"woodworking", "carpenter"}, {"Italian cooking", "chef"},
        {"jazz piano", "musician"}, {"photography", "photojournalist"}, {"rock climbing", "mountain guide"}};
    static final String[] TEACHERS = {"Ruth", "Giovanni", "Mrs. Abbott", "Keanu", "Ingrid", "Father Malone",
        "Beatriz", "Olu"};
    static final String[][] FRIENDS = {{"Lena", "she"}, {"Marcus", "he"}, {"Sofia", "she"}, {"Raj", "he"},
        {"Hannah", "she"}, {"Diego", "he"}, {"Yuki", "she"}, {"Felix", "he"}, {"Noor", "she"}, {"Owen", "he"}};
    static final String[] MEETING_PLACES = {"the climbing gym", "a wedding in Vermont", "the farmers market",
        "a conference in Berlin", "the dog park", "book club", "a cooking workshop", "the train to Boston"};
    static final String[] BUSINESSES = {"bakery", "bike repair shop", "yoga studio", "vinyl record store",
        "coffee roastery", "tattoo parlour", "bookshop", "ramen bar"};
    static final String[][] BOOKS = {{"The Salt Road", "a lighthouse keeper"}, {"Quiet Engines", "the space race"},
        {"Paper Orchards", "a family of apple farmers"}, {"The Ninth Tide", "smugglers in Cornwall"},
        {"Glass Harbour", "a detective in Hong Kong"}, {"Winter Ledger", "a bankrupt banker"},
        {"Small Gods of August", "a summer camp"}, {"The Copper Atlas", "mapmakers"}};
    static final String[] RACE_TIMES = {"1 hour 58 minutes", "2 hours 4 minutes", "1 hour 49 minutes",
        "2 hours 11 minutes", "1 hour 55 minutes"};
    static final String[][] SIBLINGS = {{"Clara", "sister"}, {"Jonas", "brother"}, {"Elif", "sister"},
        {"Mateo", "brother"}, {"Aisha", "sister"}, {"Nikolai", "brother"}};
    static final String[] PARTNERS = {"Samuel", "Grace", "Viktor", "Imogen", "Tariq", "Rosalind"};
    static final String[] CARS = {"old Honda Civic", "Subaru Outback", "Toyota Prius", "used Volvo wagon",
        "Mini Cooper", "Ford pickup", "Tesla Model 3", "Kia Niro"};
    static final String[][] DIETS = {{"vegetarian", "meat"}, {"vegan", "cheese"}, {"gluten-free", "bread"},
        {"sugar-free", "dessert"}};
    static final String[] GIFTS = {"a vintage film camera", "a telescope", "a hand-knitted scarf",
        "concert tickets for Radiohead", "a cast-iron skillet", "a framed map of Iceland", "a mechanical keyboard"};
    static final String[] BANDS = {"Arctic Monkeys", "Florence and the Machine", "Kendrick Lamar", "Coldplay",
        "Billie Eilish", "The National", "Fleetwood Mac tribute band"};
    static final String[] VENUES = {"Red Rocks", "the O2 Arena", "a tiny club downtown", "the city stadium",
        "an open-air festival"};
    static final String[] EXAMS = {"driving test", "bar exam", "German B2 exam", "CPA exam", "scuba certification"};
    static final String[] REPAIRS = {"kitchen sink", "roof", "boiler", "bathroom tiles", "garage door"};

    final Random random;
    final String x0;
    final String x1;
    final int conversation;
    final List<List<Turn>> sessions = new ArrayList<>();
    final List<LocalDate> dates = new ArrayList<>();
    final List<Question> questions = new ArrayList<>();
    final Map<String, Integer> used = new HashMap<>();

    GenerateDataset(int conversation) {
        this.conversation = conversation;
        this.random = new Random(1000 + conversation);
        this.x0 = SPEAKERS[conversation][0];
        this.x1 = SPEAKERS[conversation][1];
        LocalDate date = STARTS[conversation];
        for (int s = 0; s < SESSIONS; s++) {
            dates.add(date);
            sessions.add(new ArrayList<>());
            date = date.plusDays(6 + random.nextInt(12));
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        StringBuilder turns = new StringBuilder();
        StringBuilder questions = new StringBuilder();
        int totalTurns = 0;
        Map<String, Integer> byType = new LinkedHashMap<>();
        for (int c = 0; c < SPEAKERS.length; c++) {
            GenerateDataset conversation = new GenerateDataset(c);
            conversation.build();
            for (List<Turn> session : conversation.sessions) {
                for (Turn turn : session) {
                    turns.append(json(Map.of("conversation", "conv-" + c, "id", turn.id(), "session", turn.session(),
                            "date", turn.date(), "speaker", turn.speaker(), "text", turn.text()))).append('\n');
                    totalTurns++;
                }
            }
            for (Question question : conversation.questions) {
                questions.append(json(Map.of("id", question.id(), "conversation", question.conversation(),
                        "type", question.type(), "question", question.question(), "asOf", question.asOf(),
                        "evidence", question.evidence()))).append('\n');
                byType.merge(question.type(), 1, Integer::sum);
            }
        }
        Files.writeString(out.resolve("turns.jsonl"), turns);
        Files.writeString(out.resolve("questions.jsonl"), questions);
        System.out.println(totalTurns + " turns, questions by type " + byType);
    }

    void build() {
        List<Spec> episodes = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int speaker = 0; speaker < 2; speaker++) {
                episodes.add(trip(round));
                episodes.add(friend());
                episodes.add(book());
                episodes.add(concert());
                if (round < 2) {
                    episodes.add(hobby());
                    episodes.add(repair());
                }
                if (round == 0) {
                    episodes.add(pet());
                    episodes.add(job());
                    episodes.add(move());
                    episodes.add(race());
                    episodes.add(engagement());
                    episodes.add(car());
                    episodes.add(diet());
                    episodes.add(gift());
                    episodes.add(exam());
                }
                // The same kinds are told by both people: who said it matters.
                swapSpeakers = !swapSpeakers;
            }
        }
        java.util.Collections.shuffle(episodes, random);
        for (Spec episode : episodes) {
            place(episode);
        }
        for (int s = 0; s < SESSIONS; s++) {
            fillSession(s);
        }
        assignIds();
    }

    boolean swapSpeakers;
    final Map<Spec, String[]> storyTellers = new HashMap<>();
    final Map<Spec, int[]> placedSessions = new HashMap<>();
    final Map<Spec, List<List<Integer>>> placedIndexes = new HashMap<>();
    final List<Spec> placedOrder = new ArrayList<>();
    final Map<Spec, Map<String, String>> values = new HashMap<>();

    /** Puts each part of the episode into a session (later parts later), at the end of what is there. */
    void place(Spec spec) {
        int parts = spec.parts().size();
        int span = spec.minGap() * (parts - 1);
        int first = random.nextInt(SESSIONS - span);
        int[] chosen = new int[parts];
        chosen[0] = first;
        for (int p = 1; p < parts; p++) {
            int earliest = chosen[p - 1] + spec.minGap();
            int latest = SESSIONS - 1 - spec.minGap() * (parts - 1 - p);
            chosen[p] = earliest + random.nextInt(Math.max(1, latest - earliest + 1));
        }
        placedSessions.put(spec, chosen);
        placedOrder.add(spec);
    }

    /** Interleaves episodes with small talk, then writes turns and resolves questions. */
    void fillSession(int s) {
        List<List<Line>> blocks = new ArrayList<>();
        List<Spec> owners = new ArrayList<>();
        List<Integer> partOf = new ArrayList<>();
        for (Spec spec : placedOrder) {
            int[] at = placedSessions.get(spec);
            for (int p = 0; p < at.length; p++) {
                if (at[p] == s) {
                    blocks.add(spec.parts().get(p));
                    owners.add(spec);
                    partOf.add(p);
                }
            }
        }
        boolean xFirst = random.nextBoolean();
        String a = xFirst ? x0 : x1;
        String b = xFirst ? x1 : x0;
        List<Turn> turns = sessions.get(s);
        addTurn(s, a, pick(GREETINGS).replace("{name}", b));
        addTurn(s, b, pick(GREETING_REPLIES));
        int fillerLeft = 7 + random.nextInt(5);
        for (int i = 0; i < blocks.size(); i++) {
            int before = random.nextInt(3);
            for (int f = 0; f < before && fillerLeft > 0; f++, fillerLeft--) {
                smallTalk(s);
            }
            Spec spec = owners.get(i);
            String[] tellers = storyTellers.get(spec);
            List<Integer> indexes = new ArrayList<>();
            for (Line line : blocks.get(i)) {
                String speaker = line.who() == 'X' ? tellers[0] : tellers[1];
                indexes.add(turns.size());
                addTurn(s, speaker, line.text());
            }
            placedIndexes.computeIfAbsent(spec, k -> {
                List<List<Integer>> empty = new ArrayList<>();
                for (int p = 0; p < spec.parts().size(); p++) {
                    empty.add(null);
                }
                return empty;
            }).set(partOf.get(i), indexes);
        }
        while (fillerLeft-- > 0) {
            smallTalk(s);
        }
        addTurn(s, b, pick(GOODBYES));
    }

    void addTurn(int s, String speaker, String text) {
        sessions.get(s).add(new Turn(null, s, dates.get(s).toString(), speaker, text));
    }

    void assignIds() {
        for (int s = 0; s < SESSIONS; s++) {
            List<Turn> turns = sessions.get(s);
            for (int t = 0; t < turns.size(); t++) {
                Turn turn = turns.get(t);
                turns.set(t, new Turn("c" + conversation + "-s" + (s + 1) + "-t" + (t + 1), s, turn.date(),
                        turn.speaker(), turn.text()));
            }
        }
        int n = 0;
        for (Spec spec : placedOrder) {
            String[] tellers = storyTellers.get(spec);
            int[] at = placedSessions.get(spec);
            List<List<Integer>> indexes = placedIndexes.get(spec);
            for (QuestionSpec q : spec.questions()) {
                List<String> evidence = new ArrayList<>();
                for (int[] e : q.evidence()) {
                    evidence.add(sessions.get(at[e[0]]).get(indexes.get(e[0]).get(e[1])).id());
                }
                // Asked a little after the last session, as someone looking back would ask.
                String asOf = dates.get(SESSIONS - 1).plusDays(3).toString();
                String text = q.text().replace("{X}", tellers[0]).replace("{Y}", tellers[1]);
                LocalDate when = dates.get(at[q.evidence()[0][0]]);
                text = text.replace("{month}", when.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
                        + when.getYear());
                if (q.type().equals("temporal")) {
                    evidence.addAll(sameKindSameMonth(spec, q));
                }
                if (q.type().equals("paraphrase")) {
                    requireNoSharedWords(text, evidence, tellers);
                }
                questions.add(new Question("c" + conversation + "-q" + (++n), "conv-" + conversation, q.type(), text,
                        asOf, evidence));
            }
        }
    }

    /** The same kind of event told by the same person in the same month answers a question about that month too. */
    List<String> sameKindSameMonth(Spec asked, QuestionSpec q) {
        List<String> more = new ArrayList<>();
        int[] e = q.evidence()[0];
        LocalDate when = dates.get(placedSessions.get(asked)[e[0]]);
        for (Spec other : placedOrder) {
            if (other == asked || !other.kind().equals(asked.kind())
                    || !storyTellers.get(other)[0].equals(storyTellers.get(asked)[0])) {
                continue;
            }
            int session = placedSessions.get(other)[e[0]];
            LocalDate date = dates.get(session);
            if (date.getYear() == when.getYear() && date.getMonth() == when.getMonth()) {
                more.add(sessions.get(session).get(placedIndexes.get(other).get(e[0]).get(e[1])).id());
            }
        }
        return more;
    }

    /** A paraphrase question shares no content word (names aside) with any of its evidence turns. */
    void requireNoSharedWords(String question, List<String> evidence, String[] names) {
        Set<String> asked = stems(question, names);
        for (String id : evidence) {
            for (List<Turn> session : sessions) {
                for (Turn turn : session) {
                    if (turn.id().equals(id)) {
                        Set<String> shared = new HashSet<>(stems(turn.text(), names));
                        shared.retainAll(asked);
                        if (!shared.isEmpty()) {
                            throw new IllegalStateException("paraphrase '" + question + "' shares " + shared
                                    + " with '" + turn.text() + "'");
                        }
                    }
                }
            }
        }
    }

    static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with",
        "is", "was", "were", "be", "been", "it", "its", "i", "me", "my", "we", "our", "you", "your", "he", "she", "him",
        "her", "his", "they", "them", "their", "what", "which", "who", "whom", "whose", "where", "when", "how", "did",
        "do", "does", "that", "this", "so", "but", "as", "by", "from", "up", "out", "about", "just", "has", "have",
        "had", "are", "s", "t", "no", "not", "after", "before", "into", "than", "too", "very", "can", "will", "would");

    static Set<String> stems(String text, String[] names) {
        Set<String> stems = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (word.isEmpty() || STOP.contains(word) || word.equalsIgnoreCase(names[0])
                    || word.equalsIgnoreCase(names[1])) {
                continue;
            }
            // Five letters approximate a stem from above: "adopted" and "adoption" collide, as they should.
            stems.add(word.length() > 5 ? word.substring(0, 5) : word);
        }
        return stems;
    }

    // --- episodes ---------------------------------------------------------------------------

    Spec episode(String kind, int minGap, List<List<Line>> parts, List<QuestionSpec> questions, Map<String, String> v) {
        List<List<Line>> filled = new ArrayList<>();
        for (List<Line> part : parts) {
            List<Line> lines = new ArrayList<>();
            for (Line line : part) {
                lines.add(new Line(line.who(), fill(line.text(), v)));
            }
            filled.add(lines);
        }
        List<QuestionSpec> qs = new ArrayList<>();
        for (QuestionSpec q : questions) {
            qs.add(new QuestionSpec(q.type(), fill(q.text(), v), q.evidence()));
        }
        Spec spec = new Spec(kind, filled, qs, minGap);
        storyTellers.put(spec, swapSpeakers ? new String[] {x1, x0} : new String[] {x0, x1});
        values.put(spec, v);
        return spec;
    }

    static String fill(String text, Map<String, String> v) {
        for (Map.Entry<String, String> e : v.entrySet()) {
            text = text.replace("{" + e.getKey() + "}", e.getValue());
        }
        return text;
    }

    static Line x(String text) {
        return new Line('X', text);
    }

    static Line y(String text) {
        return new Line('Y', text);
    }

    static QuestionSpec q(String type, String text, int... partLinePairs) {
        int[][] evidence = new int[partLinePairs.length / 2][];
        for (int i = 0; i < evidence.length; i++) {
            evidence[i] = new int[] {partLinePairs[2 * i], partLinePairs[2 * i + 1]};
        }
        return new QuestionSpec(type, text, evidence);
    }

    /** A value not used yet in this conversation (the lists are longer than any conversation needs). */
    String fresh(String list, String[] options) {
        for (int tries = 0; tries < 100; tries++) {
            String value = options[random.nextInt(options.length)];
            if (used.putIfAbsent(list + ":" + value, 1) == null) {
                return value;
            }
        }
        return options[random.nextInt(options.length)];
    }

    String[] fresh(String list, String[][] options) {
        for (int tries = 0; tries < 100; tries++) {
            String[] value = options[random.nextInt(options.length)];
            if (used.putIfAbsent(list + ":" + value[0], 1) == null) {
                return value;
            }
        }
        return options[random.nextInt(options.length)];
    }

    Spec pet() {
        String[] pet = fresh("pet", PETS);
        Map<String, String> v = Map.of("breed", pet[0], "pet", pet[1], "animal", pet[2], "vet", fresh("vet", VETS));
        return episode("pet", 3, List.of(
                List.of(x("Big news: we finally adopted a {breed} and named him {pet}!"),
                        y("That's wonderful, {pet} is such a sweet name."),
                        x("He already chewed through one of my slippers, but we adore him.")),
                List.of(x("{pet} had a rough week. Dr. {vet} had to remove a sock he swallowed."),
                        y("Poor thing! I hope he recovers quickly."))),
                List.of(q("single", "What is the name of the {breed} that {X} adopted?", 0, 0),
                        q("paraphrase", "Which furry companion joined {X}'s household?", 0, 0),
                        q("multi-hop", "Which vet operated on {X}'s {breed}?", 0, 0, 1, 0)), v);
    }

    Spec job() {
        String[] first = fresh("job", JOBS);
        String[] second = fresh("job", JOBS);
        Map<String, String> v = Map.of("role", first[0], "company", first[1], "role2", second[0], "company2", second[1]);
        return episode("job", 6, List.of(
                List.of(x("I accepted the offer! I start as a {role} at {company} on Monday."),
                        y("Congratulations, you earned it.")),
                List.of(x("I handed in my notice at {company}. Next month I start as a {role2} at {company2}."),
                        y("Bold move, but it sounds like the right one."))),
                List.of(q("changed", "Where does {X} work now?", 1, 0),
                        q("changed", "What was {X}'s job before {company2}?", 0, 0),
                        q("paraphrase", "Who employs {X} currently?", 1, 0)), v);
    }

    Spec move() {
        Map<String, String> v = Map.of("city", fresh("city", CITIES), "city2", fresh("city", CITIES));
        return episode("move", 6, List.of(
                List.of(x("We signed the lease on a flat in {city} yesterday."),
                        y("Exciting! {city} suits you.")),
                List.of(x("We're moving again: we bought a little house in {city2}."),
                        y("A house of your own, finally!"))),
                List.of(q("changed", "Which city does {X} live in now?", 1, 0),
                        q("changed", "Where did {X} rent a flat before buying the house?", 0, 0)), v);
    }

    Spec trip(int round) {
        String place = fresh("hike", HIKES);
        Map<String, String> v = Map.of("place", place, "days", Integer.toString(3 + random.nextInt(9)));
        return episode("trip", 1, List.of(
                List.of(x("I just got back from {days} days of hiking in {place}."),
                        y("Jealous! Was the weather kind to you?"),
                        x("Mostly, apart from one day of hail near the summit."))),
                List.of(q("temporal", "Where did {X} go hiking in {month}?", 0, 0),
                        q("single", "How many days did {X} spend hiking in {place}?", 0, 0),
                        q("single", "What was the weather like on {X}'s hiking trip to {place}?", 0, 0, 0, 2)), v);
    }

    Spec hobby() {
        String[] hobby = fresh("hobby", HOBBIES);
        Map<String, String> v = Map.of("hobby", hobby[0], "former", hobby[1], "teacher", fresh("teacher", TEACHERS));
        return episode("hobby", 1, List.of(
                List.of(x("I signed up for a {hobby} class at the community centre, Thursday evenings."),
                        y("Oh nice, who teaches it?"),
                        x("{teacher}, a retired {former}. Endlessly patient with beginners."))),
                List.of(q("single", "Who teaches {X}'s {hobby} class?", 0, 2, 0, 0),
                        q("temporal", "What class did {X} sign up for in {month}?", 0, 0),
                        q("paraphrase", "What profession did {X}'s new instructor follow before stopping work?", 0, 2, 0, 0)), v);
    }

    Spec friend() {
        String[] friend = fresh("friend", FRIENDS);
        String pronoun = friend[1].substring(0, 1).toUpperCase(Locale.ROOT) + friend[1].substring(1);
        Map<String, String> v = Map.of("friend", friend[0], "pronoun", pronoun, "where", fresh("meet", MEETING_PLACES),
                "business", fresh("business", BUSINESSES));
        return episode("friend", 2, List.of(
                List.of(x("At {where} I got talking to someone called {friend}. We clicked instantly.")),
                List.of(x("Remember {friend}? {pronoun} just opened a {business} downtown."),
                        y("Good for {friend}, we should go."))),
                List.of(q("multi-hop", "What did the person {X} met at {where} open?", 0, 0, 1, 0),
                        q("single", "Where did {X} meet {friend}?", 0, 0)), v);
    }

    Spec book() {
        String[] book = fresh("book", BOOKS);
        Map<String, String> v = Map.of("book", book[0], "topic", book[1]);
        return episode("book", 1, List.of(
                List.of(y("You should read '{book}'. It's about {topic}, you'd love it.")),
                List.of(x("I finished '{book}' last night. That ending!"),
                        y("Told you. I cried at the last chapter."))),
                List.of(q("single", "Which book about {topic} did {Y} recommend to {X}?", 0, 0),
                        q("multi-hop", "Did {X} finish the book about {topic} that {Y} suggested?", 0, 0, 1, 0)), v);
    }

    Spec race() {
        Map<String, String> v = Map.of("time", fresh("race", RACE_TIMES));
        return episode("race", 1, List.of(
                List.of(x("I ran my first half marathon on Sunday, finished in {time}!"),
                        y("That's a fantastic time for a first one."))),
                List.of(q("single", "What was {X}'s half marathon time?", 0, 0),
                        q("paraphrase", "How quickly did {X} complete the 21-kilometre race?", 0, 0),
                        q("temporal", "What sporting achievement did {X} mention in {month}?", 0, 0)), v);
    }

    Spec engagement() {
        String[] sibling = fresh("sibling", SIBLINGS);
        Map<String, String> v = Map.of("sibling", sibling[0], "relation", sibling[1], "partner", fresh("partner", PARTNERS));
        return episode("engagement", 1, List.of(
                List.of(x("My {relation} {sibling} got engaged to {partner} over the weekend."),
                        y("Congratulations to them both!"))),
                List.of(q("single", "Who is {X}'s {relation} engaged to?", 0, 0),
                        q("paraphrase", "Who will marry {X}'s sibling?", 0, 0)), v);
    }

    Spec car() {
        String first = fresh("car", CARS);
        String second = fresh("car", CARS);
        Map<String, String> v = Map.of("car", first, "car2", second);
        return episode("car", 5, List.of(
                List.of(x("I finally bought a car, a {car}. No more waiting for buses.")),
                List.of(x("The {car} broke down again, so I traded it in for a {car2}."),
                        y("Hopefully this one is more reliable."))),
                List.of(q("changed", "What car does {X} drive now?", 1, 0),
                        q("changed", "Which car did {X} own before the {car2}?", 0, 0),
                        q("paraphrase", "Which vehicle did {X} purchase first?", 0, 0)), v);
    }

    Spec diet() {
        String[] diet = fresh("diet", DIETS);
        Map<String, String> v = Map.of("diet", diet[0], "food", diet[1]);
        return episode("diet", 1, List.of(
                List.of(x("I've gone {diet}. No more {food} for me."),
                        y("Good luck, I could never give up {food}."))),
                List.of(q("single", "What diet did {X} start?", 0, 0),
                        q("paraphrase", "Which eating habit has {X} taken up?", 0, 0)), v);
    }

    Spec gift() {
        Map<String, String> v = Map.of("gift", fresh("gift", GIFTS));
        return episode("gift", 1, List.of(
                List.of(y("Thank you again for {gift}, best birthday present ever."),
                        x("I'm so glad you like it!"))),
                List.of(q("single", "What did {X} give {Y} for their birthday?", 0, 0),
                        q("temporal", "Whose birthday was celebrated in {month}, and with what gift?", 0, 0)), v);
    }

    Spec concert() {
        Map<String, String> v = Map.of("band", fresh("band", BANDS), "venue", fresh("venue", VENUES));
        return episode("concert", 1, List.of(
                List.of(x("Saw {band} live at {venue} last night, my ears are still ringing."),
                        y("So jealous. Did they play the old songs?"),
                        x("Only two of them, but the encore was incredible."))),
                List.of(q("single", "Where did {X} see {band}?", 0, 0),
                        q("temporal", "Which concert did {X} go to in {month}?", 0, 0),
                        q("single", "Did {band} play their old songs when {X} saw them?", 0, 2, 0, 0)), v);
    }

    Spec repair() {
        Map<String, String> v = Map.of("repair", fresh("repair", REPAIRS),
                "cost", Integer.toString(200 + 50 * random.nextInt(30)));
        return episode("repair", 1, List.of(
                List.of(x("The {repair} finally gave up. The plumber quoted {cost} dollars to fix it."),
                        y("Ouch. At least it's fixable."))),
                List.of(q("single", "How much did it cost to fix {X}'s {repair}?", 0, 0),
                        q("temporal", "What broke in {X}'s home in {month}?", 0, 0)), v);
    }

    Spec exam() {
        Map<String, String> v = Map.of("exam", fresh("exam", EXAMS));
        return episode("exam", 1, List.of(
                List.of(x("I passed my {exam}! All that studying paid off."),
                        y("Brilliant, time to celebrate."))),
                List.of(q("single", "Which exam did {X} pass?", 0, 0),
                        q("paraphrase", "Which qualification did {X} obtain through hard revision?", 0, 0)), v);
    }

    // --- small talk -------------------------------------------------------------------------

    static final String[] GREETINGS = {"Hey {name}, how have you been?", "Hi {name}! Long week?",
        "Morning {name}, got a minute to catch up?", "{name}! It's been a while.", "Hey, how's everything going, {name}?"};
    static final String[] GREETING_REPLIES = {"Busy but good, thanks.", "Honestly, a bit tired, but fine.",
        "Great to hear from you!", "Can't complain. What's new with you?", "Hectic week, glad it's over."};
    static final String[] GOODBYES = {"Anyway, I should get going. Talk soon!", "Let's catch up again next week.",
        "Okay, dinner's ready. Bye for now!", "Great chatting, take care.", "I'll text you later."};

    /** One or two turns of small talk, often borrowing the vocabulary of real events. */
    void smallTalk(int s) {
        boolean xFirst = random.nextBoolean();
        String a = xFirst ? x0 : x1;
        String b = xFirst ? x1 : x0;
        switch (random.nextInt(14)) {
            case 0 -> {
                addTurn(s, a, "The weather has been " + pick("grey and drizzly", "weirdly warm", "freezing",
                        "perfect for walks") + " all week.");
                addTurn(s, b, pick("Same here.", "I hope it changes soon.", "I don't mind it, honestly."));
            }
            case 1 -> addTurn(s, a, "My neighbour just got a " + pick(PETS)[0] + " and it makes a racket all day.");
            case 2 -> addTurn(s, a, "I keep thinking I should take a " + pick(HOBBIES)[0] + " class someday.");
            case 3 -> {
                addTurn(s, a, "Have you watched anything good lately?");
                addTurn(s, b, "I started " + pick("a documentary about octopuses", "a Korean drama",
                        "an old detective series", "a baking competition") + ", it's " + pick("addictive", "fine",
                        "surprisingly good") + ".");
            }
            case 4 -> addTurn(s, a, "Work has been " + pick("chaotic", "slow", "all meetings", "fine") + " this week, "
                    + "my manager keeps changing the deadlines.");
            case 5 -> addTurn(s, a, "A colleague of mine is moving to " + pick(CITIES) + " next year.");
            case 6 -> addTurn(s, a, "I made " + pick("lasagne", "a curry", "banana bread", "dumplings", "tacos")
                    + " last night, it turned out " + pick("great", "a bit burnt", "too salty") + ".");
            case 7 -> addTurn(s, a, "My cousin says " + pick(HIKES) + " is beautiful this time of year.");
            case 8 -> {
                addTurn(s, a, "Did you sleep well? You seemed tired.");
                addTurn(s, b, "Not really, the " + pick("neighbours were loud", "heat kept me up",
                        "baby upstairs cried all night") + ".");
            }
            case 9 -> addTurn(s, a, "I saw an ad for " + pick(BANDS) + " tickets but they were far too expensive.");
            case 10 -> addTurn(s, a, "Someone at the gym was talking about running a half marathon. Not for me!");
            case 11 -> addTurn(s, a, "I need a new book to read, my pile is empty.");
            case 12 -> addTurn(s, a, "Traffic was terrible this morning, I was late again.");
            default -> addTurn(s, a, "Our " + pick(REPAIRS) + " is making a strange noise, hopefully nothing serious.");
        }
    }

    String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    String[] pick(String[][] options) {
        return options[random.nextInt(options.length)];
    }

    static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        List<String> keys = new ArrayList<>(fields.keySet());
        java.util.Collections.sort(keys);
        for (String key : keys) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(key).append("\":").append(value(fields.get(key)));
        }
        return out.append('}').toString();
    }

    static String value(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Object item : list) {
                if (out.length() > 1) {
                    out.append(',');
                }
                out.append(value(item));
            }
            return out.append(']').toString();
        }
        return '"' + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
