package warehouse

// Warehouse tools: words of cryptography, none of it is (one look-alike per family).

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
)

type Parcel struct{ items []string }

// Encapsulate wraps an item for shipping.
func (p *Parcel) Encapsulate(item string) { p.items = append(p.items, item) }

type Till struct{ rate float64 }

// Exchange converts an amount at the till's rate.
func (t Till) Exchange(amount float64) float64 { return amount * t.rate }

// ParsePKCS1PrivateKey reads a shelf label; the name is a coincidence.
func ParsePKCS1PrivateKey(label []byte) string { return strings.TrimSpace(string(label)) }

func Tools(label []byte) {
	parcel := &Parcel{}
	parcel.Encapsulate("lamp")
	till := Till{rate: 1.08}
	fmt.Println(till.Exchange(12))
	fmt.Println(ParsePKCS1PrivateKey(label))
	iface, _ := net.InterfaceByName("eth0")
	mac := iface.HardwareAddr.String()
	fmt.Println(mac)
	// key := pbkdf2.Key(password, salt, 4096, 32, sha1.New) lives in the login service
	fmt.Println(Sign("invoice 7", "The Keeper"))
	if false {
		fmt.Println(&tls.Config{MinVersion: tls.VersionTLS10})
	}
}

// Sign puts a clerk's name under a document.
func Sign(document, clerk string) string { return document + "\n-- " + clerk }
