package sshserve

import (
	"crypto/rsa"
	"fmt"

	gossh "golang.org/x/crypto/ssh"
)

// MinRSABits is the smallest RSA key accepted, in authorized_keys and at login.
const MinRSABits = 2048

// checkKeyType reports why key may not be used to log in, or "" when it may: only ed25519 and ECDSA keys
// (also on a security key, the sk- types) and RSA keys of at least MinRSABits bits are accepted. DSA, short
// RSA keys and certificates (flashcall trusts no certificate authority) are refused. The reason suggests
// the fix and never repeats key material.
func checkKeyType(key gossh.PublicKey) string {
	switch t := key.Type(); t {
	case gossh.KeyAlgoED25519, gossh.KeyAlgoSKED25519,
		gossh.KeyAlgoECDSA256, gossh.KeyAlgoECDSA384, gossh.KeyAlgoECDSA521, gossh.KeyAlgoSKECDSA256:
		return ""
	case gossh.KeyAlgoRSA:
		ck, ok := key.(gossh.CryptoPublicKey)
		if !ok {
			return "an RSA key whose size cannot be read is not accepted: use an ed25519 key (ssh-keygen -t ed25519)"
		}
		rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey)
		if !ok {
			return "an RSA key whose size cannot be read is not accepted: use an ed25519 key (ssh-keygen -t ed25519)"
		}
		if bits := rk.N.BitLen(); bits < MinRSABits {
			return fmt.Sprintf("an RSA key of %d bits is too short: at least %d are needed; make an ed25519 key "+
				"(ssh-keygen -t ed25519)", bits, MinRSABits)
		}
		return ""
	case gossh.KeyAlgoDSA:
		return "DSA (ssh-dss) keys are not accepted: make an ed25519 key (ssh-keygen -t ed25519)"
	default:
		if _, cert := key.(*gossh.Certificate); cert {
			return "SSH certificates are not accepted: list the plain public key instead"
		}
		return fmt.Sprintf("%s keys are not accepted: use ed25519, ECDSA, or RSA of %d bits or more", sanitize(t, 40),
			MinRSABits)
	}
}
