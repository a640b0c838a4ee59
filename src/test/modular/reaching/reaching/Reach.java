package reaching;

import dev.autotls.internal.Assembly;

/** Names an internal type: javac must refuse it, since dev.autotls does not export dev.autotls.internal. */
public final class Reach {
    public static Class<?> internal() {
        return Assembly.class;
    }
}
