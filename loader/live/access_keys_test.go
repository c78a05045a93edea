package live

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamx/iamx/graph"
	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/loader/live/internal/motoserver"
	"github.com/iamx/iamx/model"
)

// An access key made in the account is found by its ID after a capture,
// through the written snapshot: "whose key is this?" is answered from the
// file. Keys of users without any are listed as none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func TestCapturedAccessKeyResolvesToItsUser(t *testing.T) {
	moto := motoserver.Start(t)
	setup := setupClient(moto.URL)
	ctx := context.Background()
	for _, name := range []string{"leaky", "keyless"} {
		if _, err := setup.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := setup.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("leaky")})
	if err != nil {
		t.Fatal(err)
	}
	keyID := aws.ToString(key.AccessKey.AccessKeyId)

	snap, _ := captureVia(t, moto.URL, testOptions())
	var buf bytes.Buffer
	if err := loader.Encode(&buf, snap); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(aws.ToString(key.AccessKey.SecretAccessKey))) {
		t.Fatal("the snapshot holds the key's secret")
	}
	read, err := loader.Read(&buf, "captured.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build([]*model.Snapshot{read}, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := g.Resolve(keyID)
	if err != nil || n.User == nil || n.User.Name != "leaky" {
		t.Fatalf("Resolve(%s) = %v, %v; want user leaky", keyID, n, err)
	}
	if k, ok := g.AccessKey(keyID); !ok || k.Key.Status != "Active" || k.Key.CreateDate.IsZero() {
		t.Errorf("AccessKey(%s) = %+v, %v; want an active key with its date", keyID, k, ok)
	}
	if byID, err := g.Resolve(n.User.ID); err != nil || byID != n {
		t.Errorf("Resolve(%s) = %v, %v; want the same user by unique ID", n.User.ID, byID, err)
	}
	for _, u := range read.Users {
		if u.Name == "keyless" && (!u.AccessKeysListed || len(u.AccessKeys) != 0) {
			t.Errorf("keyless: listed %v keys %v, want listed with none", u.AccessKeysListed, u.AccessKeys)
		}
	}
}
