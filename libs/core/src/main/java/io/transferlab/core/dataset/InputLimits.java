package io.transferlab.core.dataset;

/** The limits on outside input set by system properties: one parser, one refusal for a value that is no limit. */
final class InputLimits {

    private InputLimits() {
    }

    /** The property's value as a positive number, its default when unset; anything else is refused by name. */
    static long positive(String property, long defaultValue, String unit) {
        String value = System.getProperty(property);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new IllegalArgumentException(property + " must be a positive number of " + unit + ", got '" + value + "'");
    }
}
