package graph
import ("testing";"time";"github.com/iamx/iamx/model";"github.com/iamx/iamx/testdata/gen")
func TestZZ(t *testing.T){
 t0:=time.Now(); s,_:=gen.Account(gen.Reference); t.Log("gen",time.Since(t0)); t0=time.Now()
 g,_:=Build([]*model.Snapshot{s},Options{}); t.Log("build",time.Since(t0)); t0=time.Now()
 c:=0
 for _,n:=range g.Roles(){ for _,r:=range g.PoliciesOf(n){ if r.Source.Name=="AdministratorAccess"{ c++; if c<3 { t0=time.Now(); a:=g.IsAdmin(n); t.Log(n.Label(),a,time.Since(t0)); t0=time.Now(); p:=g.Permissions(n,PermFilter{}); t.Log(len(p.Actions),time.Since(t0)); t.Log(len(g.PoliciesOf(n)))} } } }
 t.Log("admins-attached",c)
}
