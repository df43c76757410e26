package corpus

import (
	"crypto/mlkem"
	"crypto/tls"
	"github.com/golang-jwt/jwt/v5"
)

func PQ() {
	dk, _ := mlkem.GenerateKey768()
	dk2, _ := mlkem.GenerateKey1024()
	token := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{})
	hs := jwt.New(jwt.SigningMethodHS256)
	_ = tls.Config{}
	_, _, _, _ = dk, dk2, token, hs
}
