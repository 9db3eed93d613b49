// Package graph is the gorgonia glue of mlbridge: it lays a model's
// learnable nodes out as one flat gradient vector, so that per-sample (or
// per-micro-batch) gradients from a gorgonia graph become the vectors that
// mlbridge's mixers take, and writes the mixed gradient back into the nodes
// for a gorgonia solver (Adam, …) to step with.
//
// gorgonia v0.9.18 panics at start-up on Go 1.26 unless
// go4.org/unsafe/assume-no-moving-gc is at v0.0.0-20231121144256-b99613f794b6
// or later; go.mod pins it.
package graph

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Params is a model's learnable nodes and their places in a flat vector:
// node j occupies coordinates [Blocks()[j], Blocks()[j+1]).
type Params struct {
	nodes   []*G.Node
	offsets []int
}

// NewParams lays out nodes in the given order. Every node must hold a
// float64 or float32 tensor value.
func NewParams(nodes ...*G.Node) (*Params, error) {
	p := &Params{nodes: nodes, offsets: []int{0}}
	for _, n := range nodes {
		switch n.Dtype() {
		case tensor.Float64, tensor.Float32:
		default:
			return nil, fmt.Errorf("graph: node %s has dtype %v; want float64 or float32", n.Name(), n.Dtype())
		}
		size := 1
		for _, d := range n.Shape() {
			size *= d
		}
		p.offsets = append(p.offsets, p.offsets[len(p.offsets)-1]+size)
	}
	return p, nil
}

// Dim returns the total number of coordinates.
func (p *Params) Dim() int { return p.offsets[len(p.offsets)-1] }

// Blocks returns the block boundaries, one block a node: the input of
// mlbridge.VecMixer's per-layer λ.
func (p *Params) Blocks() []int { return append([]int(nil), p.offsets...) }

// Nodes returns the learnable nodes.
func (p *Params) Nodes() []*G.Node { return p.nodes }

// ValueGrads returns the nodes for a gorgonia Solver's Step.
func (p *Params) ValueGrads() []G.ValueGrad { return G.NodesToValueGrads(p.nodes) }

// gradData returns the backing slice of node j's gradient.
func (p *Params) gradData(j int) (any, error) {
	n := p.nodes[j]
	v, err := n.Grad()
	if err != nil {
		return nil, fmt.Errorf("graph: gradient of %s: %w", n.Name(), err)
	}
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("graph: gradient of %s is a %T, not a tensor", n.Name(), v)
	}
	return t.Data(), nil
}

// Grads copies the nodes' current gradients (after a backward pass) into
// dst, which must have length Dim().
func (p *Params) Grads(dst []float64) error {
	if len(dst) != p.Dim() {
		return fmt.Errorf("graph: Grads into %d values, want %d", len(dst), p.Dim())
	}
	for j := range p.nodes {
		data, err := p.gradData(j)
		if err != nil {
			return err
		}
		seg := dst[p.offsets[j]:p.offsets[j+1]]
		switch d := data.(type) {
		case []float64:
			copy(seg, d)
		case []float32:
			for i, v := range d {
				seg[i] = float64(v)
			}
		case float64:
			seg[0] = d
		case float32:
			seg[0] = float64(d)
		default:
			return fmt.Errorf("graph: gradient data of %s is %T", p.nodes[j].Name(), data)
		}
	}
	return nil
}

// SetGrads writes src (length Dim()) into the nodes' gradients, where a
// solver's Step reads them.
func (p *Params) SetGrads(src []float64) error {
	if len(src) != p.Dim() {
		return fmt.Errorf("graph: SetGrads from %d values, want %d", len(src), p.Dim())
	}
	for j, n := range p.nodes {
		data, err := p.gradData(j)
		if err != nil {
			return err
		}
		seg := src[p.offsets[j]:p.offsets[j+1]]
		switch d := data.(type) {
		case []float64:
			copy(d, seg)
		case []float32:
			for i, v := range seg {
				d[i] = float32(v)
			}
		default:
			return fmt.Errorf("graph: cannot write the scalar gradient of %s in place", n.Name())
		}
	}
	return nil
}

// ZeroGrads sets the nodes' gradients to zero. gorgonia accumulates the
// gradients of successive runs of a machine into the same tensors, so
// per-sample gradients need a ZeroGrads after each Grads.
func (p *Params) ZeroGrads() error {
	for j, n := range p.nodes {
		data, err := p.gradData(j)
		if err != nil {
			return err
		}
		switch d := data.(type) {
		case []float64:
			clear(d)
		case []float32:
			clear(d)
		default:
			return fmt.Errorf("graph: cannot zero the scalar gradient of %s in place", n.Name())
		}
	}
	return nil
}

// valueData returns the backing slice of node j's value ([]float64 or
// []float32).
func (p *Params) valueData(j int) (any, error) {
	n := p.nodes[j]
	v := n.Value()
	if v == nil {
		return nil, fmt.Errorf("graph: %s has no value", n.Name())
	}
	switch d := v.Data().(type) {
	case []float64, []float32:
		return d, nil
	}
	return nil, fmt.Errorf("graph: %s holds %T; Values and SetValues need float64 or float32", n.Name(), v.Data())
}

// Values copies the nodes' current values into dst (length Dim()),
// converting float32 values to float64.
func (p *Params) Values(dst []float64) error {
	for j := range p.nodes {
		d, err := p.valueData(j)
		if err != nil {
			return err
		}
		seg := dst[p.offsets[j]:p.offsets[j+1]]
		switch d := d.(type) {
		case []float64:
			copy(seg, d)
		case []float32:
			for i, v := range d {
				seg[i] = float64(v)
			}
		}
	}
	return nil
}

// SetValues writes src (length Dim()) into the nodes' values, rounding to
// float32 for float32 nodes: an optimizer that keeps its own state (for
// exact checkpoints) steps with it.
func (p *Params) SetValues(src []float64) error {
	for j := range p.nodes {
		d, err := p.valueData(j)
		if err != nil {
			return err
		}
		seg := src[p.offsets[j]:p.offsets[j+1]]
		switch d := d.(type) {
		case []float64:
			copy(d, seg)
		case []float32:
			for i, v := range seg {
				d[i] = float32(v)
			}
		}
	}
	return nil
}

// Adam is the Adam optimizer (Kingma and Ba 2015) over a flat parameter
// vector, with β = (0.9, 0.999) and ε = 1e-8. Its moments are exported so
// that a training checkpoint can hold them; gorgonia's solver keeps its
// state private.
type Adam struct {
	M, V []float64 // first and second moments
	T    int       // steps taken
}

// NewAdam returns an Adam for d parameters.
func NewAdam(d int) *Adam { return &Adam{M: make([]float64, d), V: make([]float64, d)} }

// Step moves theta against the gradient g (a descent step) with learning
// rate lr.
func (a *Adam) Step(theta, g []float64, lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	if len(theta) != len(a.M) || len(g) != len(a.M) {
		panic(fmt.Sprintf("graph: Adam for %d parameters stepped with %d and %d", len(a.M), len(theta), len(g)))
	}
	a.T++
	c1, c2 := 1-math.Pow(b1, float64(a.T)), 1-math.Pow(b2, float64(a.T))
	for i, gi := range g {
		a.M[i] = b1*a.M[i] + (1-b1)*gi
		a.V[i] = b2*a.V[i] + (1-b2)*gi*gi
		theta[i] -= lr * (a.M[i] / c1) / (math.Sqrt(a.V[i]/c2) + eps)
	}
}
