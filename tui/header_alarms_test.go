package tui

import (
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/verify"
)

// TestHeaderCountsAlarms: the header names the alarms raised when the console starts, follows the alarm
// watch's notices as alarms are raised and cleared, and keeps the count at the narrowest width.
func TestHeaderCountsAlarms(t *testing.T) {
	stub := newStub()
	stub.alarms = []alarms.Alarm{{Kind: alarms.AnsweredRate, Key: "all"}}
	m := newUnitModel(t, stub, 60, 24)
	if first := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(first, "⚠ 1 alarm (D)") {
		t.Fatalf("header at start %q, want the alarm counted", first)
	}
	stub.mu.Lock()
	stub.alarms = append(stub.alarms, alarms.Alarm{Kind: alarms.ConversionDrop, Key: "GB"})
	stub.mu.Unlock()
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventNotice, Notice: "ALARM: conversion fell", Err: true}})
	if first := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(first, "⚠ 2 alarms (D)") {
		t.Fatalf("header after a raise %q", first)
	}
	stub.mu.Lock()
	stub.alarms = nil
	stub.mu.Unlock()
	m.Update(eventMsg{ev: verify.Event{Kind: verify.EventNotice, Notice: "alarm cleared: answered-rate all all"}})
	if first := strings.SplitN(m.View(), "\n", 2)[0]; strings.Contains(first, "alarm") {
		t.Fatalf("header after the clears %q", first)
	}
}
