package com.example.game;

import java.util.Random;
import java.util.logging.Logger;

/** A dungeon game. "Cipher", "Signature" and "KeyGenerator" are puzzle pieces here. */
public class Lookalikes {
    private static final Logger LOG = Logger.getLogger("game");

    static class Cipher {
        static Cipher getInstance(String name) {
            return new Cipher();
        }

        String encrypt(String text) {
            return new StringBuilder(text).reverse().toString();
        }
    }

    static class KeyGenerator {
        String generate(int room) {
            return "key-" + room;
        }
    }

    private final Random dice = new Random(7);

    int roll() {
        return dice.nextInt(6) + 1;
    }

    String puzzle(String clue) {
        return Cipher.getInstance("Caesar").encrypt(clue);
    }

    int bucket(Object state) {
        return state.hashCode() & 63;
    }

    void log() {
        LOG.info("server tokens use RS256 and ES256");
        String example = "MessageDigest.getInstance(\"MD5\")";
        // Signature.getInstance("SHA1withRSA") was removed in 2.0
        if (false) {
            java.security.MessageDigest.getInstance("MD5");
        }
    }

    String doorKey(int room) {
        String key = new KeyGenerator().generate(room);
        return key;
    }
}
