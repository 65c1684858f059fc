package ai.prometheus.registry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrictSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode converted(String schema) {
        StrictSchema.Result result = StrictSchema.convert(json(schema));
        StrictSchema.Converted converted = assertInstanceOf(StrictSchema.Converted.class, result, result.toString());
        assertEquals(
                List.of(),
                OpenAiStrictRules.check(converted.schema()),
                converted.schema().toString());
        return converted.schema();
    }

    private static String refused(String schema) {
        StrictSchema.Result result = StrictSchema.convert(json(schema));
        return assertInstanceOf(StrictSchema.Refused.class, result, result.toString())
                .reason();
    }

    @Test
    void optionalPropertiesBecomeRequiredAndNullable() {
        ObjectNode schema = converted("{'type':'object','properties':{'city':{'type':'string','minLength':1},"
                + "'days':{'type':'integer','minimum':1,'maximum':14}},'required':['city']}");
        assertEquals(
                json("{'type':'object','properties':{'city':{'type':'string'},"
                        + "'days':{'type':['integer','null'],'minimum':1,'maximum':14}},'required':['city','days'],"
                        + "'additionalProperties':false}"),
                schema);
    }

    @Test
    void nestedObjectsAndArrayItemsAreClosedToo() {
        ObjectNode schema = converted("{'type':'object','properties':{'stops':{'type':'array','uniqueItems':true,"
                + "'items':{'type':'object','properties':{'lat':{'type':'number'},'label':{'type':'string','default':'x'}},"
                + "'required':['lat']}}},'required':['stops']}");
        JsonNode item = schema.at("/properties/stops/items");
        assertEquals(json("['lat','label']"), item.get("required"));
        assertEquals(false, item.get("additionalProperties").asBoolean());
        assertEquals(json("['string','null']"), item.at("/properties/label/type"));
        assertTrue(!schema.at("/properties/stops").has("uniqueItems")
                && !item.at("/properties/label").has("default"));
    }

    @Test
    void optionalEnumsReferencesAndConstantsAcceptNull() {
        ObjectNode schema = converted(
                "{'type':'object','properties':{"
                        + "'unit':{'type':'string','enum':['c','f']},"
                        + "'where':{'$ref':'#/definitions/place'},"
                        + "'kind':{'const':'forecast','description':'fixed'}},"
                        + "'definitions':{'place':{'type':'object','properties':{'name':{'type':'string'}},'required':['name']}}}");
        assertEquals(json("['c','f',null]"), schema.at("/properties/unit/enum"));
        assertEquals(json("[{'$ref':'#/$defs/place'},{'type':'null'}]"), schema.at("/properties/where/anyOf"));
        assertEquals("fixed", schema.at("/properties/kind/description").asText());
        assertEquals(json("[{'const':'forecast'},{'type':'null'}]"), schema.at("/properties/kind/anyOf"));
        assertEquals(false, schema.at("/$defs/place/additionalProperties").asBoolean());
    }

    @Test
    void oneOfBecomesAnyOfAndUnsupportedFormatsAreDropped() {
        ObjectNode schema = converted("{'type':'object','properties':{'id':{'oneOf':[{'type':'string','format':'uri'},"
                + "{'type':'integer'}]},'at':{'type':'string','format':'date-time'}},'required':['id','at']}");
        assertEquals(json("[{'type':'string'},{'type':'integer'}]"), schema.at("/properties/id/anyOf"));
        assertEquals("date-time", schema.at("/properties/at/format").asText());
    }

    @Test
    void noSchemaMeansAnEmptyClosedObject() {
        StrictSchema.Converted converted = assertInstanceOf(StrictSchema.Converted.class, StrictSchema.convert(null));
        assertEquals(
                json("{'type':'object','properties':{},'required':[],'additionalProperties':false}"),
                converted.schema());
    }

    @Test
    void whatStrictModeCannotExpressIsRefusedWithItsPath() {
        assertEquals(
                "$.properties.filter: uses allOf, which strict mode does not support",
                refused("{'type':'object','properties':{'filter':{'allOf':[{'type':'string'}]}}}"));
        assertTrue(refused(
                        "{'type':'object','properties':{'tags':{'type':'object','additionalProperties':{'type':'string'}}}}")
                .startsWith("$.properties.tags: is a free-form map"));
        assertTrue(refused("{'type':'object','properties':{'payload':{'description':'anything'}}}")
                .startsWith("$.properties.payload: accepts a value of any type"));
        assertTrue(refused("{'type':'object','properties':{'a':{'$ref':'https://example.com/a.json'}}}")
                .contains("outside the schema"));
        assertTrue(refused("{'type':'array','items':{'type':'string'}}").startsWith("$: the root"));
        StringBuilder deep = new StringBuilder("{'type':'object','properties':{'x':");
        for (int i = 0; i < 11; i++) {
            deep.append("{'type':'object','properties':{'x':");
        }
        deep.append("{'type':'string'}").append("}}".repeat(12));
        assertTrue(refused(deep.toString()).contains("nests deeper than the 10 levels"));
    }

    /** Random schemas of every shape: each is either refused or converted into one OpenAI accepts. */
    @Test
    void everyConvertedSchemaKeepsTheRules() {
        Random random = new Random(20261203);
        int converted = 0;
        for (int i = 0; i < 2000; i++) {
            ObjectNode root = randomObject(random, 0);
            StrictSchema.Result result = StrictSchema.convert(root);
            if (result instanceof StrictSchema.Converted c) {
                converted++;
                assertEquals(List.of(), OpenAiStrictRules.check(c.schema()), root + " -> " + c.schema());
            }
        }
        assertTrue(converted > 500, "too few schemas were convertible to exercise the rules: " + converted);
    }

    private static final String[] EXTRA = {
        "minLength",
        "maxLength",
        "default",
        "examples",
        "uniqueItems",
        "format",
        "minimum",
        "pattern",
        "allOf",
        "not",
        "additionalProperties",
        "minProperties"
    };

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = node.putArray("required");
        int count = random.nextInt(4);
        for (int p = 0; p < count; p++) {
            String name = "p" + p;
            properties.set(name, randomSchema(random, depth + 1));
            if (random.nextBoolean()) {
                required.add(name);
            }
        }
        if (random.nextInt(5) == 0) {
            node.put("additionalProperties", random.nextBoolean());
        }
        return node;
    }

    private static JsonNode randomSchema(Random random, int depth) {
        int shape = depth > 4 ? random.nextInt(3) : random.nextInt(7);
        ObjectNode node = switch (shape) {
            case 0 -> JsonNodeFactory.instance.objectNode().put("type", "string");
            case 1 -> JsonNodeFactory.instance.objectNode().put("type", random.nextBoolean() ? "integer" : "number");
            case 2 -> {
                ObjectNode e = JsonNodeFactory.instance.objectNode().put("type", "string");
                e.putArray("enum").add("a").add("b");
                yield e;
            }
            case 3 -> randomObject(random, depth);
            case 4 -> {
                ObjectNode a = JsonNodeFactory.instance.objectNode().put("type", "array");
                a.set("items", randomSchema(random, depth + 1));
                yield a;
            }
            case 5 -> {
                ObjectNode any = JsonNodeFactory.instance.objectNode();
                any.putArray(random.nextBoolean() ? "anyOf" : "oneOf")
                        .add(randomSchema(random, depth + 1))
                        .add(randomSchema(random, depth + 1));
                yield any;
            }
            default -> JsonNodeFactory.instance.objectNode().put("type", "boolean");
        };
        if (random.nextInt(4) == 0) {
            String extra = EXTRA[random.nextInt(EXTRA.length)];
            switch (extra) {
                case "allOf", "not" ->
                    node.putArray("allOf")
                            .add(JsonNodeFactory.instance.objectNode().put("type", "string"));
                case "format" -> node.put("format", random.nextBoolean() ? "email" : "uri");
                case "additionalProperties" -> node.put("additionalProperties", true);
                default -> node.put(extra, 1);
            }
        }
        return node;
    }
}
