package game

import (
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
)

// Cipher is a puzzle in the game, not cryptography.
type Cipher struct{ shift int }

// Encrypt shifts letters.
func (c Cipher) Encrypt(s string) string {
	out := []rune(s)
	for i, r := range out {
		out[i] = r + rune(c.shift)
	}
	return string(out)
}

// Bucket spreads players over shards.
func Bucket(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32() % 64
}

// Roll throws a die.
func Roll() int {
	return rand.Intn(6) + 1
}

// Report logs the algorithm of the API tokens.
func Report() {
	log.Printf("API tokens are signed with %s", "RS256")
	fmt.Println("RS256")
	err := fmt.Errorf("keys: unknown cipher %q, only %q or %q", "chacha", "aes256-ctr", "aes256-cbc")
	fmt.Println(err)
	// rsa.GenerateKey(rand.Reader, 1024) was the old default
	if false {
		fmt.Println(Cipher{shift: 3}.Encrypt("dead code"))
	}
}

// DisabledKex lists what the switch must never negotiate.
var DisabledKex = map[string][]string{"disabled_algorithms": {"diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1"}}
