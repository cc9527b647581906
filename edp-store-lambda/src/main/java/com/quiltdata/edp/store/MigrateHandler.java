package com.quiltdata.edp.store;

import com.quiltdata.edp.store.postgres.DatabaseMigrator;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudFormation custom resource that applies the migrations at deploy time: Create and Update
 * migrate, Delete does nothing (the database outlives the resource). It always answers
 * CloudFormation, so a failed migration fails the deployment instead of hanging it.
 */
public final class MigrateHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of("migrate");

    private final Map<String, String> environment;

    public MigrateHandler() {
        this(System.getenv());
    }

    public MigrateHandler(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> request, Context context) {
        String type = String.valueOf(request.get("RequestType"));
        String physicalId = request.containsKey("PhysicalResourceId")
                ? String.valueOf(request.get("PhysicalResourceId"))
                : "edp-database-schema";
        Map<String, Object> data = new LinkedHashMap<>();
        String status = "SUCCESS";
        String reason = "ok";
        try {
            if (!"Delete".equals(type)) {
                Env env = new Env(environment);
                DatabaseSettings settings = DatabaseSettings.from(env);
                env.validate();
                String password = Databases.password(settings, environment.get("AWS_REGION")).current();
                var result = DatabaseMigrator.migrate(settings.jdbcUrl(), settings.user(), password);
                data.put("SchemaVersion", result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
                data.put("MigrationsApplied", result.migrationsExecuted);
                LOG.info("migrations applied", "count", result.migrationsExecuted, "version", data.get("SchemaVersion"));
            }
        } catch (RuntimeException e) {
            status = "FAILED";
            reason = "migration failed: " + e.getMessage();
            LOG.error("migration failed", "reason", e.getMessage());
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("Status", status);
        response.put("Reason", reason);
        response.put("PhysicalResourceId", physicalId);
        response.put("StackId", request.get("StackId"));
        response.put("RequestId", request.get("RequestId"));
        response.put("LogicalResourceId", request.get("LogicalResourceId"));
        response.put("Data", data);
        send(String.valueOf(request.get("ResponseURL")), Json.write(response));
        return response;
    }

    /** PUT to the pre-signed URL with an empty content type, as CloudFormation requires. */
    private static void send(String url, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            int code = c.getResponseCode();
            LOG.info("answered CloudFormation", "status", code);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("could not answer CloudFormation", "reason", e.getMessage());
        }
    }
}
