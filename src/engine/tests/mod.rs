mod faults;
mod scripted;
