package io.transferlab.trainer.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochCapsTest {

    @Test
    void readsSizeEqualsEpochsPairs() {
        assertEquals(Map.of("large", 6, "medium", 8), EpochCaps.parse(" large=6, medium = 8 ,"));
        assertTrue(EpochCaps.parse("").isEmpty());
    }

    @Test
    void namesTheEntryThatIsNotACap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EpochCaps.parse("large=six"));
        assertTrue(e.getMessage().contains("large=six"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EpochCaps.parse("large"));
        assertThrows(IllegalArgumentException.class, () -> EpochCaps.parse("small=0"));
    }
}
