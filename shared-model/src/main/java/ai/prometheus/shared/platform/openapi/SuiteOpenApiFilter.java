package ai.prometheus.shared.platform.openapi;

import ai.prometheus.shared.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Writes into every service's OpenAPI document what the suite's platform does for every operation,
 * so that each resource documents only what is its own: the bearer token every operation requires
 * (the permission filter answers 401/403 before any resource runs), the problem details answers the
 * platform gives (malformed or oversized bodies, unknown path values, a database outage), and one
 * shared {@code Problem} schema for every error answer, including those a resource declares.
 */
public class SuiteOpenApiFilter implements OASFilter {

    /** The name Quarkus gives the scheme of {@code quarkus.smallrye-openapi.security-scheme}. */
    static final String SECURITY_SCHEME = "SecurityScheme";

    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";
    static final String WELL_KNOWN = "/.well-known/";

    private static final Map<String, String> PLATFORM_ANSWERS = new LinkedHashMap<>();

    static {
        PLATFORM_ANSWERS.put(
                "400", "The request is malformed or a field is invalid; `errors` names each field and why");
        PLATFORM_ANSWERS.put("401", "No bearer token, or one that is invalid or expired");
        PLATFORM_ANSWERS.put("403", "The token lacks the permission this operation requires");
        PLATFORM_ANSWERS.put("404", "Nothing with this identifier exists, or the caller may not see it");
        PLATFORM_ANSWERS.put("409", "The request conflicts with the current state");
        PLATFORM_ANSWERS.put("413", "The body is larger than the service accepts");
        PLATFORM_ANSWERS.put("415", "The body is not JSON");
        PLATFORM_ANSWERS.put("503", "A backing store is unreachable; retry later");
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        // Relative to wherever the document was fetched from: the build-time "localhost" would be wrong anywhere else.
        openAPI.setServers(new ArrayList<>(
                List.of(OASFactory.createServer().url("/").description("The service that served this document"))));
        Components components =
                openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        openAPI.setComponents(components);
        components.addSchema(FIELD_ERROR, fieldErrorSchema());
        components.addSchema(PROBLEM, problemSchema());
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths()
                .getPathItems()
                .forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
                    document(method, path, item, operation);
                }));
    }

    private static void document(PathItem.HttpMethod method, String path, PathItem item, Operation operation) {
        if (path.startsWith(WELL_KNOWN)) {
            // Discovery documents (RFC 8615) are public: they tell a client where to get a token.
            operation.setSecurity(new ArrayList<>());
            return;
        }
        operation.setSecurity(
                new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(SECURITY_SCHEME))));
        APIResponses responses =
                operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        operation.setResponses(responses);
        List<String> answers = new ArrayList<>(List.of("401", "403", "503"));
        boolean hasBody = operation.getRequestBody() != null;
        if (hasBody || !parameters(item, operation).isEmpty()) {
            answers.add("400");
        }
        if (path.contains("{")) {
            answers.add("404");
        }
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
            answers.add("409");
        }
        if (hasBody) {
            answers.add("413");
            answers.add("415");
        }
        for (String status : answers) {
            if (!responses.hasAPIResponse(status)) {
                responses.addAPIResponse(
                        status, OASFactory.createAPIResponse().description(PLATFORM_ANSWERS.get(status)));
            }
        }
        // Every error answer, the platform's and the resource's own, is a problem details body.
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                asProblem(response);
            }
        });
    }

    private static List<Parameter> parameters(PathItem item, Operation operation) {
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (operation.getParameters() != null) {
            all.addAll(operation.getParameters());
        }
        return all;
    }

    private static void asProblem(APIResponse response) {
        if (response.getDescription() == null || response.getDescription().isBlank()) {
            response.setDescription("A problem details answer");
        }
        Content content = OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM)));
        response.setContent(content);
    }

    private static Schema fieldErrorSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("One invalid field and why")
                .addProperty("field", string("A JSON path such as `limits.memoryMb`, or a parameter name"))
                .addProperty("reason", string("Why the value was refused"))
                .required(List.of("field", "reason"));
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("An RFC 9457 problem details body; every error any service returns has this shape")
                .addProperty("type", string("A URN naming the kind of problem, stable for clients to switch on"))
                .addProperty("title", string("A short summary of the kind of problem"))
                .addProperty(
                        "status",
                        OASFactory.createSchema().addType(SchemaType.INTEGER).description("The HTTP status"))
                .addProperty("detail", string("What went wrong this time, in words a caller can act on"))
                .addProperty("instance", string("The request path"))
                .addProperty("traceId", string("The trace id of the request, to find it in logs and traces"))
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .addType(SchemaType.ARRAY)
                                .description("For validation problems: each offending field and why")
                                .items(OASFactory.createSchema().ref("#/components/schemas/" + FIELD_ERROR)))
                .required(List.of("type", "title", "status"));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
