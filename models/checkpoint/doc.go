// Package checkpoint reads model weights from PyTorch checkpoints and
// safetensors files, and reads and writes arceval's native checkpoint format.
//
// Three on-disk formats are understood, detected from the first bytes:
//
//   - PyTorch zip archives, written by torch.save since PyTorch 1.6 (the
//     official TRM/HRM step_N files): <stem>/data.pkl holds a pickled
//     state_dict whose tensors point at raw storages <stem>/data/<key>.
//   - The legacy PyTorch format (torch.save(..., _use_new_zipfile_serialization=False)):
//     magic number, protocol and sys_info pickles, the state_dict pickle, the
//     storage key list, then every storage as an 8-byte element count and
//     its raw little-endian bytes.
//   - safetensors: an 8-byte little-endian header length, a JSON header with
//     dtype, shape and data_offsets per tensor, then the data.
//
// Pickles are decoded by a restricted unpickler that executes nothing: it
// implements only the opcodes a state_dict uses and accepts only the globals
// that rebuild tensors (torch._utils._rebuild_tensor_v2 and friends,
// collections.OrderedDict and the torch storage types). Any other global,
// such as os.system, is an error naming the global and the file. Every size
// read from a file is checked against the file and against [Limits] before
// anything is allocated, so hostile files produce errors, not panics or
// huge allocations.
//
// Opening a checkpoint reads only its metadata. Tensor data is read on
// demand with (*Tensor).Float32, (*Tensor).Rows or (*Tensor).Bytes straight
// from the file (PyTorch stores zip entries uncompressed), so a single row of
// the ~2 GB puzzle-embedding table of an ARC checkpoint costs one small read.
//
// The native arceval checkpoint is a safetensors file whose __metadata__
// carries "arceval.format" = "1", "arceval.kind" and "arceval.config" (the
// model configuration as JSON, opaque to this package); see [WriteNative]
// and [OpenNative]. Files are written atomically (temporary file, fsync,
// rename).
package checkpoint
