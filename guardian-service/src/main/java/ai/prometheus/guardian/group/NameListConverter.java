package ai.prometheus.guardian.group;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.ArrayList;
import java.util.List;

/** A list of names stored as a JSON array in a text column. */
@Converter
public class NameListConverter implements AttributeConverter<List<String>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {};

    @Override
    public String convertToDatabaseColumn(List<String> names) {
        try {
            return JSON.writeValueAsString(names == null ? List.of() : names);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("names cannot be written as JSON", e);
        }
    }

    @Override
    public List<String> convertToEntityAttribute(String column) {
        if (column == null || column.isBlank()) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(JSON.readValue(column, NAMES));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored names are not a JSON array: " + column, e);
        }
    }
}
