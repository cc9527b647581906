package com.quiltdata.edp.packager.sns;

import com.quiltdata.edp.aws.SnsTopic;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Publishes one notice per package created or request rejected to the stack's topic: JSON for
 * programs, and for email subscribers a few lines a person reads (what happened, the package, its
 * size, where to open it, and for a failure the reason and what to do).
 */
public final class SnsNotifier implements Notifier {
    private final SnsTopic topic;
    private final Optional<String> catalogUrl;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this(sns, topicArn, Optional.empty());
    }

    /** @param catalogUrl the Quilt catalog's base URL ({@code https://quilt.example.com}), for links in emails */
    public SnsNotifier(SnsClient sns, String topicArn, Optional<String> catalogUrl) {
        this.topic = new SnsTopic(sns, topicArn);
        this.catalogUrl = catalogUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    @Override
    public void packageCreated(PackageRevision revision) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "package-created");
        message.put("registry", revision.registry());
        message.put("package", revision.name().toString());
        message.put("top_hash", revision.topHash());
        message.put("uri", revision.packageUri());
        message.put("source", revision.sourceUri());
        message.put("objects", revision.objectCount());
        message.put("bytes", revision.totalBytes());
        revision.batchId().ifPresent(id -> message.put("batch_id", id.toString()));
        message.put("created_at", revision.createdAt().toString());
        catalogLink(revision).ifPresent(link -> message.put("catalog_url", link));
        topic.publish("Quilt package created: " + revision.name(), message, createdText(revision));
    }

    @Override
    public void packageFailed(Failure failure) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "package-failed");
        message.put("package", failure.packageName());
        message.put("source", failure.source());
        message.put("reason", failure.reason());
        if (failure.workflow() != null) {
            message.put("workflow", failure.workflow());
        }
        if (!failure.errors().isEmpty()) {
            message.put("errors", failure.errors());
        }
        topic.publish("Quilt package failed" + (failure.packageName() == null ? "" : ": " + failure.packageName()), message,
                failedText(failure));
    }

    private String createdText(PackageRevision r) {
        StringBuilder text = new StringBuilder();
        text.append("A new revision of the Quilt package ").append(r.name()).append(" was created.\n\n");
        line(text, "Package", r.name().toString());
        line(text, "Registry", "s3://" + r.registry());
        line(text, "Files", r.objectCount() + " (" + humanBytes(r.totalBytes()) + ")");
        line(text, "Source", r.sourceUri());
        line(text, "Top hash", r.topHash());
        r.batchId().ifPresent(id -> line(text, "Batch", id.toString()));
        line(text, "Created", r.createdAt().toString());
        text.append('\n');
        catalogLink(r).ifPresent(link -> text.append("Open it in the Quilt catalog:\n  ").append(link).append("\n\n"));
        text.append("Open it with quilt3:\n  quilt3.Package.browse(\"").append(r.name()).append("\", registry=\"s3://")
                .append(r.registry()).append("\", top_hash=\"").append(r.topHash()).append("\")\n\n");
        text.append("Package URI: ").append(r.packageUri()).append('\n');
        return text.toString();
    }

    private static String failedText(Failure f) {
        StringBuilder text = new StringBuilder();
        text.append("EDP could not create ").append(f.packageName() == null ? "a Quilt package" : "the Quilt package " + f.packageName())
                .append(".\n\n");
        line(text, "Reason", f.reason());
        if (f.source() != null) {
            line(text, "Source", f.source());
        }
        if (f.workflow() != null) {
            line(text, "Workflow", f.workflow());
        }
        if (!f.errors().isEmpty()) {
            text.append("Errors:\n");
            f.errors().forEach(e -> text.append("  - ").append(e).append('\n'));
        }
        text.append("\nWhat to do: ");
        if (f.workflow() != null) {
            text.append("make the package's metadata satisfy the workflow ").append(f.workflow())
                    .append(" (or name another workflow), then send the package description again.");
        } else {
            text.append("correct what the reason names, then send the package description again. A message that was "
                    + "dead-lettered can be redriven from the packager's DLQ once the cause is fixed (see the operator's guide).");
        }
        return text.append('\n').toString();
    }

    /** The catalog's page for this revision: {@code <catalog>/b/<bucket>/packages/<name>/tree/<top hash>/}. */
    private Optional<String> catalogLink(PackageRevision r) {
        return catalogUrl.map(base -> base + "/b/" + encode(r.registry()) + "/packages/" + r.name() + "/tree/" + r.topHash() + "/");
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-9s %s\n", label + ":", value));
    }

    /** 1 234 567 bytes → "1.2 MB" (decimal units, as the catalog shows sizes). */
    static String humanBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
