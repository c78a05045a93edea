package loader

import (
	"github.com/iamx/iamx/loader/demo"
	"github.com/iamx/iamx/model"
)

// Demo returns the embedded demo account: a small company, account
// 111122223333, with the users, roles and policies the tests and the
// explorer's --demo use. Each call returns a fresh snapshot.
func Demo() (*model.Snapshot, error) {
	return Read(demo.Reader(), "demo")
}
