//go:build mujoco

package mujoco

/*
#cgo LDFLAGS: -lmujoco
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <mujoco/mujoco.h>

// hg_quiet replaces MuJoCo's default warning handler, which prints to
// stdout and appends to MUJOCO_LOG.TXT in the working directory. Warnings
// are still counted in mjData.warning.
static void hg_quiet(const char* msg) { (void)msg; }

static void hg_init(void) { mju_user_warning = hg_quiet; }

// hg_load compiles the MJCF text xml (len bytes) through a virtual file
// system. On failure it returns NULL with a message in err.
static mjModel* hg_load(const char* xml, int len, char* err, int errsz) {
	mjVFS* vfs = (mjVFS*)malloc(sizeof(mjVFS));
	if (!vfs) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	mj_defaultVFS(vfs);
	if (mj_makeEmptyFileVFS(vfs, "model.xml", len) != 0) {
		snprintf(err, errsz, "cannot make a virtual file");
		free(vfs);
		return NULL;
	}
	int i = mj_findFileVFS(vfs, "model.xml");
	memcpy(vfs->filedata[i], xml, len);
	mjModel* m = mj_loadXML("model.xml", vfs, err, errsz);
	mj_deleteVFS(vfs);
	free(vfs);
	return m;
}

// hg_set writes the state s = (qpos, qvel) and the action a, clipped into
// the actuators' ctrlrange, into d, and clears everything else a step reads
// (time, activations, applied forces, the solver's warm start).
static void hg_set(const mjModel* m, mjData* d, const mjtNum* s, const mjtNum* a) {
	int nq = m->nq, nv = m->nv;
	d->time = 0;
	mju_copy(d->qpos, s, nq);
	mju_copy(d->qvel, s + nq, nv);
	for (int i = 0; i < m->nu; i++) {
		mjtNum lo = m->actuator_ctrlrange[2*i], hi = m->actuator_ctrlrange[2*i+1];
		mjtNum u = a[i];
		d->ctrl[i] = u < lo ? lo : (u > hi ? hi : u);
	}
	if (m->na > 0) {
		mju_zero(d->act, m->na);
	}
	mju_zero(d->qacc_warmstart, nv);
	mju_zero(d->qfrc_applied, nv);
	mju_zero(d->xfrc_applied, 6*m->nbody);
}

static void hg_get(const mjModel* m, const mjData* d, mjtNum* s) {
	mju_copy(s, d->qpos, m->nq);
	mju_copy(s + m->nq, d->qvel, m->nv);
}

// hg_step takes skip steps from (s, a) and writes the state reached into
// next.
static void hg_step(const mjModel* m, mjData* d, const mjtNum* s, const mjtNum* a, int skip, mjtNum* next) {
	hg_set(m, d, s, a);
	for (int k = 0; k < skip; k++) {
		mj_step(m, d);
	}
	hg_get(m, d, next);
}

// hg_stepFD writes into Ak (n×n) and Bk (n×nu) the centered differences,
// step eps, of one mj_step from the state x under the control u, for models
// that mjd_transitionFD does not linearize faithfully: in MuJoCo 2.2.2 it
// differentiates an explicit Euler step whatever the model's integrator, so
// for RK4 its Jacobians are off by O(timestep) (1e-4 relative for the
// Hopper). sp and sm are scratch of n.
//
// The column of a control whose action a_j lies outside its ctrlrange is
// set to zero without stepping: Linearize multiplies it by the clip's
// derivative, zero there, so its two steps would be wasted.
static void hg_stepFD(const mjModel* m, mjData* d, const mjtNum* x, const mjtNum* u, const mjtNum* a, mjtNum eps,
		mjtNum* Ak, mjtNum* Bk, mjtNum* xp, mjtNum* sp, mjtNum* sm, mjtNum* up) {
	int n = 2*m->nv, nu = m->nu;
	for (int j = 0; j < n + nu; j++) {
		if (j >= n) {
			int c = j - n;
			if (a[c] < m->actuator_ctrlrange[2*c] || a[c] > m->actuator_ctrlrange[2*c+1]) {
				for (int i = 0; i < n; i++) {
					Bk[i*nu + c] = 0;
				}
				continue;
			}
		}
		for (int sign = 0; sign < 2; sign++) {
			mjtNum h = sign == 0 ? eps : -eps;
			mju_copy(xp, x, n);
			mju_copy(up, u, nu);
			if (j < n) {
				xp[j] += h;
			} else {
				up[j - n] += h;
			}
			hg_set(m, d, xp, up);
			mj_step(m, d);
			hg_get(m, d, sign == 0 ? sp : sm);
		}
		for (int i = 0; i < n; i++) {
			mjtNum g = (sp[i] - sm[i]) / (2*eps);
			if (j < n) {
				Ak[i*n + j] = g;
			} else {
				Bk[i*nu + j - n] = g;
			}
		}
	}
	hg_set(m, d, x, u);
}

// hg_linearize writes into A (n×n, n = 2·nv) and B (n×nu) the Jacobians of
// skip steps from (s, a) with respect to s and to the (clipped) control,
// chaining the one-step Jacobians of mjd_transitionFD,
//     A ← A_k A,  B ← A_k B + B_k,
// and the state reached into next. The one-step Jacobians are
// mjd_transitionFD's for the Euler integrator (or whenever transition is
// nonzero) and hg_stepFD's otherwise.
// It assumes nq = nv (hinge and slide
// joints only, so the tangent space is qpos itself) and na = 0. It returns
// 0, or -1 when out of memory.
static int hg_linearize(const mjModel* m, mjData* d, const mjtNum* s, const mjtNum* a, int skip, mjtNum eps,
		int transition, mjtNum* A, mjtNum* B, mjtNum* next) {
	int n = 2*m->nv, nu = m->nu;
	mjtNum* buf = (mjtNum*)malloc(sizeof(mjtNum)*(2*n*n + 2*n*nu + 4*n + 2*nu));
	if (!buf) {
		return -1;
	}
	mjtNum* Ak = buf;
	mjtNum* T = Ak + n*n;
	mjtNum* Bk = T + n*n;
	mjtNum* TB = Bk + n*nu;
	mjtNum* x = TB + n*nu;
	mjtNum* u = x + n;
	mjtNum* xp = u + nu;
	mjtNum* sp = xp + n;
	mjtNum* sm = sp + n;
	mjtNum* up = sm + n;
	int euler = transition || m->opt.integrator == mjINT_EULER;

	mju_zero(A, n*n);
	for (int i = 0; i < n; i++) {
		A[i*n + i] = 1;
	}
	mju_zero(B, n*nu);
	hg_set(m, d, s, a);
	mju_copy(u, d->ctrl, nu);
	for (int k = 0; k < skip; k++) {
		hg_get(m, d, x);
		if (euler) {
			mjd_transitionFD(m, d, eps, 1, Ak, Bk, NULL, NULL);
		} else {
			hg_stepFD(m, d, x, u, a, eps, Ak, Bk, xp, sp, sm, up);
		}
		mju_mulMatMat(TB, Ak, B, n, n, nu);
		mju_add(B, TB, Bk, n*nu);
		mju_mulMatMat(T, Ak, A, n, n, n);
		mju_copy(A, T, n*n);
		// Step from the sub-state itself, whatever mjd_transitionFD left.
		hg_set(m, d, x, u);
		mj_step(m, d);
	}
	hg_get(m, d, next);
	free(buf);
	return 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

// model is a compiled MuJoCo model, shared read-only by every environment
// of a task; it lives as long as the process.
type model struct {
	m          *C.mjModel
	nq, nv, nu int
	timestep   float64
	qpos0      []float64
	low, high  []float64 // ctrlrange
}

var loadMu sync.Mutex // mj_loadXML keeps global parser state

func init() { C.hg_init() }

// load compiles the MJCF text xml and checks that the model is what the
// state layout assumes: hinge and slide joints only (nq = nv, so that
// mjd_transitionFD's tangent space is (qpos, qvel) itself), no actuator
// activations, and plain torque motors.
func load(xml string) (*model, error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	text := C.CString(xml)
	defer C.free(unsafe.Pointer(text))
	var msg [1000]C.char
	m := C.hg_load(text, C.int(len(xml)), &msg[0], C.int(len(msg)))
	if m == nil {
		return nil, fmt.Errorf("mujoco: load model: %s", C.GoString(&msg[0]))
	}
	md := &model{m: m, nq: int(m.nq), nv: int(m.nv), nu: int(m.nu), timestep: float64(m.opt.timestep)}
	if md.nq != md.nv || m.na != 0 {
		C.mj_deleteModel(m)
		return nil, fmt.Errorf("mujoco: model has nq=%d, nv=%d, na=%d; want nq = nv and na = 0", md.nq, md.nv, int(m.na))
	}
	md.qpos0 = make([]float64, md.nq)
	copy(md.qpos0, unsafe.Slice((*float64)(unsafe.Pointer(m.qpos0)), md.nq))
	cr := unsafe.Slice((*float64)(unsafe.Pointer(m.actuator_ctrlrange)), 2*md.nu)
	md.low, md.high = make([]float64, md.nu), make([]float64, md.nu)
	for i := range md.nu {
		md.low[i], md.high[i] = cr[2*i], cr[2*i+1]
	}
	return md, nil
}

// pool holds the mjData scratch of one environment: one per goroutine
// stepping it at the same time, made on demand and kept for reuse.
type pool struct {
	md     *model
	mu     sync.Mutex
	free   []*C.mjData
	closed bool
}

var errClosed = errors.New("mujoco: environment is closed")

func (p *pool) get() *C.mjData {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		panic(errClosed)
	}
	if k := len(p.free); k > 0 {
		d := p.free[k-1]
		p.free = p.free[:k-1]
		p.mu.Unlock()
		return d
	}
	p.mu.Unlock()
	d := C.mj_makeData(p.md.m)
	if d == nil {
		panic("mujoco: mj_makeData: out of memory")
	}
	return d
}

func (p *pool) put(d *C.mjData) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		C.mj_deleteData(d)
		return
	}
	p.free = append(p.free, d)
}

// close frees the pooled data; data in use is freed when it is put back.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, d := range p.free {
		C.mj_deleteData(d)
	}
	p.free = nil
}

// ptr returns a C pointer to the first element of s (s is not empty).
func ptr(s []float64) *C.mjtNum { return (*C.mjtNum)(unsafe.Pointer(&s[0])) }

// step takes skip steps from (s, a) into next.
func (p *pool) step(s, a []float64, skip int, next []float64) {
	d := p.get()
	C.hg_step(p.md.m, d, ptr(s), ptr(a), C.int(skip), ptr(next))
	p.put(d)
}

// linearize writes the chained Jacobians into A (n×n) and B (n×nu) and the
// state reached into next. With transition it uses mjd_transitionFD's
// one-step Jacobians whatever the integrator (for a test that shows why it
// does not by default).
func (p *pool) linearize(s, a []float64, skip int, eps float64, transition bool, A, B, next []float64) {
	var tr C.int
	if transition {
		tr = 1
	}
	d := p.get()
	rc := C.hg_linearize(p.md.m, d, ptr(s), ptr(a), C.int(skip), C.mjtNum(eps), tr, ptr(A), ptr(B), ptr(next))
	p.put(d)
	if rc != 0 {
		panic("mujoco: linearize: out of memory")
	}
}
