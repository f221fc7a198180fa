package io.wharf.amqp.message;

import io.wharf.plugin.InterceptedMessage;
import java.nio.ByteBuffer;
import java.util.Map;

/** A {@link MessageView} as plugins see it: read-only, decoded on demand by the view. */
public final class InterceptedView implements InterceptedMessage {

    private final MessageView view;

    public InterceptedView(MessageView view) {
        this.view = view;
    }

    /** The view underneath, for the broker's own use (a plugin copying the message needs no second parse). */
    public MessageView view() {
        return view;
    }

    @Override
    public ByteBuffer encoded() {
        return view.encoded().asReadOnlyBuffer();
    }

    @Override
    public int sizeBytes() {
        return view.sizeBytes();
    }

    @Override
    public boolean durable() {
        return view.durable();
    }

    @Override
    public int priority() {
        return view.priority();
    }

    @Override
    public Object messageId() {
        return view.messageId();
    }

    @Override
    public Object correlationId() {
        return view.properties().correlationId();
    }

    @Override
    public String subject() {
        return view.subject();
    }

    @Override
    public String to() {
        return view.to();
    }

    @Override
    public String replyTo() {
        return view.replyTo();
    }

    @Override
    public Map<String, Object> applicationProperties() {
        return view.applicationProperties();
    }

    @Override
    public Object applicationProperty(String name) {
        return view.applicationProperty(name);
    }

    @Override
    public Map<String, Object> messageAnnotations() {
        return view.messageAnnotations();
    }

    @Override
    public Object messageAnnotation(String key) {
        return view.messageAnnotation(key);
    }

    @Override
    public String toString() {
        return view.toString();
    }
}
