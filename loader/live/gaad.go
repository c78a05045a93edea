package live

import (
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// gaadDoc is get-account-authorization-details gathered from the SDK's pages.
// The SDK's types marshal to GAAD's own field names (UserDetailList, Arn,
// PolicyDocument …), so the capture is encoded as JSON and decoded by
// loader.ParseGAAD: one path handles URL-encoded documents, document
// warnings, times and quirks such as moto leaving out policy names, for live
// captures and files alike.
type gaadDoc struct {
	UserDetailList  []types.UserDetail          `json:"UserDetailList"`
	GroupDetailList []types.GroupDetail         `json:"GroupDetailList"`
	RoleDetailList  []types.RoleDetail          `json:"RoleDetailList"`
	Policies        []types.ManagedPolicyDetail `json:"Policies"`
}
