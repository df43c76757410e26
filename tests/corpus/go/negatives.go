package corpus

// This file uses a local package and strings that look like crypto calls.
// rsa.GenerateKey(rand.Reader, 512) in a comment is not a finding.

import (
	"fmt"
	"corpus/internal/rsa"
)

/*
   md5.Sum([]byte("block comment"))
*/

const example = "rsa.GenerateKey(rand.Reader, 1024)"
const raw = `ecdsa.GenerateKey(elliptic.P224(), rand.Reader)`

func Negatives() {
	k := rsa.GenerateKey(nil, 1024)
	fmt.Println(k, example, raw)
	if false {
		fmt.Println("dead")
	}
}
