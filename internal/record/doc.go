// Package record is the vocabulary every part of flashcall shares: a verification and the attempts (calls)
// made for it, their typed states and outcomes, the transitions that led there, the read-backs checked, the
// audit log's entries, who acted, and the one way each of them is masked for output.
//
// It is a leaf: it imports nothing of flashcall's and no SQL. The states answer their own questions
// (State.Final, Outcome.Delivered, Status.Final, ...), so no other package re-decides what a word means.
package record
