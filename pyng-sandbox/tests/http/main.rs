//! The sandbox over real loopback HTTP: scenarios, time scale, faults, auth,
//! signatures, the hand-written routes and shutdown. Every request is bounded by a
//! timeout; no test depends on sleeping for a guessed duration (time-driven
//! behaviour uses the time scale and polls against a bounded deadline).

#![allow(dead_code)]

mod access_log;
mod auth;
mod bounds;
mod common;
mod creation;
mod faults;
mod lifecycle;
mod scenarios;
